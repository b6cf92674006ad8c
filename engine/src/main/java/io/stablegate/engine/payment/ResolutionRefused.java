package io.stablegate.engine.payment;

/**
 * An attach or dismiss the engine refused, and changed nothing for: the transfer or invoice is not
 * the merchant's or does not exist ({@code NOT_FOUND}), the transfer was resolved already ({@code
 * CONFLICT}), or the invoice cannot take the transfer ({@code UNPROCESSABLE}, naming the request
 * {@code field} at fault).
 */
public final class ResolutionRefused extends RuntimeException {

  public enum Kind {
    NOT_FOUND,
    CONFLICT,
    UNPROCESSABLE
  }

  private final Kind kind;
  private final String field;

  public ResolutionRefused(Kind kind, String field, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  /** The request field at fault, for {@code UNPROCESSABLE}; otherwise null. */
  public String field() {
    return field;
  }
}
