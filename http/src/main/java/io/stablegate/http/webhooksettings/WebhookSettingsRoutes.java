package io.stablegate.http.webhooksettings;

import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.merchant.WebhookSettingsRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code PUT /api/v1/webhook} and {@code POST /api/v1/webhook/rotate-secret} (a session whose password
 * was confirmed recently). The secret is shown when created and when rotated, and stored only
 * encrypted; the previous secret keeps signing for the grace period. In production a URL whose host
 * is, or resolves to, a loopback, private, link-local or reserved address is refused when it is set,
 * by the same guard that checks every delivery ({@link WebhookUrls}).
 */
public final class WebhookSettingsRoutes extends AllDirectives {
  private final MerchantAuthentication auth;
  private final WebhookSettingsRepository webhooks;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final WebhookUrls urls;
  private final Duration grace;
  private final Clock clock;

  public WebhookSettingsRoutes(MerchantAuthentication auth, WebhookSettingsRepository webhooks, RequestBodies bodies,
      Blocking blocking, WebhookUrls urls, Duration grace, Clock clock) {
    this.auth = auth;
    this.webhooks = webhooks;
    this.bodies = bodies;
    this.blocking = blocking;
    this.urls = urls;
    this.grace = grace;
    this.clock = clock;
  }

  public Route route() {
    return concat(
        path(ApiPaths.api("webhook"), () -> put(() -> auth.confirmedSession(merchantId ->
            bodies.json(WebhookUrlRequest.class, request -> {
              String url = urls.check(request.url());
              return onSuccess(blocking.run(() -> {
                urls.checkTarget(url);
                return webhooks.setUrl(merchantId, url, WebhookSecrets::generate,
                    MerchantAuthentication.Actor.SESSION.label());
              }), created -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("url", url);
                created.ifPresent(secret -> body.put("secret", secret));
                return complete(Responses.json(200, body));
              });
            })))),
        path(ApiPaths.api("webhook", "rotate-secret"), () -> post(() -> auth.confirmedSession(merchantId -> {
          String secret = WebhookSecrets.generate();
          return onSuccess(blocking.run(() -> {
            if (!webhooks.rotateSecret(merchantId, secret, clock.instant().plus(grace),
                MerchantAuthentication.Actor.SESSION.label())) {
              throw ApiProblem.of(404, "Not found", "No webhook URL is set; PUT /api/v1/webhook first.");
            }
            return secret;
          }), rotated -> complete(Responses.json(200, Map.of("secret", rotated))));
        }))));
  }

}
