package io.stablegate.http.webhooksettings;

import io.stablegate.engine.webhook.WebhookTargetGuard;
import io.stablegate.http.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The check of a webhook URL when a merchant sets one ({@code PUT /api/v1/webhook},
 * {@code POST /api/v1/webhook-endpoints}): as typed, absolute http(s) with a host, no credentials, no
 * fragment, https only in production ({@link #check}); and in production, its host, literal or resolved
 * now, a public address, by the same {@link WebhookTargetGuard} that checks every delivery
 * ({@link #checkTarget}). Each refusal is a 400 naming {@code url}.
 */
public final class WebhookUrls {
  private final boolean production;
  private final WebhookTargetGuard targets;

  public WebhookUrls(boolean production, WebhookTargetGuard.HostResolver resolver) {
    this.production = production;
    this.targets = new WebhookTargetGuard(production, resolver);
  }

  /** The URL as typed, checked and normalized; does not block. */
  public String check(String text) {
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

  /**
   * In production: the checked URL's host must be a public address. Resolving blocks: run it on the
   * blocking dispatcher.
   */
  public void checkTarget(String url) {
    if (!production) {
      return;
    }
    try {
      targets.resolve(targets.checkUrl(url).getHost());
    } catch (WebhookTargetGuard.RefusedTargetException e) {
      throw ApiProblem.field("url", "is not a public address: " + e.getMessage());
    }
  }
}
