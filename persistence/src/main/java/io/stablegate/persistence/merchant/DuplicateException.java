package io.stablegate.persistence.merchant;

/** A unique constraint refused the write: the email, or the wallet address, is taken. */
public final class DuplicateException extends Exception {
  public DuplicateException(String message) {
    super(message);
  }
}
