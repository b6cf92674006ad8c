package io.stablegate.http.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/auth/confirm-password}. */
public record PasswordConfirmation(@NotNull @Size(max = 512) String password) {

  @Override
  public String toString() {
    return "PasswordConfirmation[]";
  }
}
