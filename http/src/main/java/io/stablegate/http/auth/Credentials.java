package io.stablegate.http.auth;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of register and login. The password's length and commonness are checked by
 * {@link io.stablegate.http.security.PasswordPolicy} at registration (in characters, not UTF-16 units).
 */
public record Credentials(
    @NotBlank @Email @Size(max = 254) String email,
    @NotNull @Size(max = 512) String password) {

  @Override
  public String toString() {
    return "Credentials[email=" + email + "]";
  }
}
