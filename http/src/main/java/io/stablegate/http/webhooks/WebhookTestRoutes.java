package io.stablegate.http.webhooks;

import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.http.Authenticated;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/webhook/test}: sends a signed {@code ping} event to the merchant's endpoint now
 * and answers 202 with its id at once (the outcome is the merchant's receiver's to see); 409 when
 * there is no endpoint to send to.
 */
public final class WebhookTestRoutes extends AllDirectives {
  private final Authenticated authenticated;
  private final WebhookPinger pinger;

  public WebhookTestRoutes(Authenticated authenticated, WebhookPinger pinger) {
    this.authenticated = authenticated;
    this.pinger = pinger;
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("webhook").slash("test"), () -> post(() ->
        authenticated.merchant(merchantId -> completeWithFuture(ping(merchantId)))));
  }

  private CompletionStage<HttpResponse> ping(UUID merchantId) {
    return pinger.ping(merchantId).thenApply(outcome -> {
      if (outcome.eventId().isPresent()) {
        return ProblemResponses.json(StatusCodes.ACCEPTED, Map.of("id", outcome.eventId().get().toString()));
      }
      return switch (outcome.refusal().orElseThrow()) {
        case NO_ENDPOINT -> ProblemResponses.problem(409, "No webhook endpoint",
            "set a webhook URL with PUT /api/v1/webhook first");
        case DISABLED -> ProblemResponses.problem(409, "Webhook endpoint disabled",
            "the endpoint answered 410 Gone; set its URL again with PUT /api/v1/webhook to enable it");
      };
    });
  }
}
