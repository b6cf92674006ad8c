package io.stablegate.http.webhooksettings;

import io.stablegate.http.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks a webhook URL as typed: absolute http(s) with a host, no credentials, no fragment; https
 * only in production. Where the host resolves to is checked at delivery time by the webhook sender.
 */
public final class WebhookUrls {
  private WebhookUrls() {}

  public static String check(String text, boolean production) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw ApiProblem.field("url", "is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw ApiProblem.field("url", "must be an http(s) URL");
    }
    if (production && !scheme.equals("https")) {
      throw ApiProblem.field("url", "must be https:// in production");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ApiProblem.field("url", "must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw ApiProblem.field("url", "must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw ApiProblem.field("url", "must not have a fragment");
    }
    return uri.toString();
  }
}
