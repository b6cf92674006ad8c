package io.stablegate.http.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/auth/password}; the new password follows the password policy. */
public record PasswordChangeRequest(
    @NotNull @Size(max = 512) String currentPassword,
    @NotNull @Size(max = 512) String newPassword) {

  @Override
  public String toString() {
    return "PasswordChangeRequest[]";
  }
}
