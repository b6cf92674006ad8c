package io.stablegate.http.invoices;

import io.stablegate.http.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks an invoice's {@code redirectUrl}, where the checkout page sends the payer back to: at most
 * 2048 characters, an absolute URL with a host, {@code https} ({@code http} only outside production),
 * no other scheme ({@code javascript:}, {@code data:}, …) and no credentials ({@code user:pass@}).
 * The URL is kept exactly as given.
 */
public final class RedirectUrls {
  public static final int MAX_LENGTH = 2048;
  private static final String FIELD = "redirectUrl";

  private RedirectUrls() {}

  /** The refusal, if the URL breaks a rule. */
  public static Optional<Problem.FieldError> refusal(String text, boolean production) {
    if (text.length() > MAX_LENGTH) {
      return error("must be at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return error("is not a valid URL");
    }
    if (!uri.isAbsolute() || uri.isOpaque()) {
      return error("must be an absolute https:// URL");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return error("must be an https:// URL");
    }
    if (production && !scheme.equals("https")) {
      return error("must be https:// in production");
    }
    if (uri.getRawUserInfo() != null) {
      return error("must not carry credentials");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return error("must name a host");
    }
    return Optional.empty();
  }

  private static Optional<Problem.FieldError> error(String message) {
    return Optional.of(new Problem.FieldError(FIELD, message));
  }
}
