package io.stablegate.http.webhooks;

import io.stablegate.engine.Failures;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.http.Authenticated;
import io.stablegate.persistence.webhook.WebhookDeliveryRepository;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/webhook-deliveries?invoiceId=} lists the attempts of an invoice's webhook
 * events (from the read table); {@code POST /api/v1/webhook-deliveries/{eventId}/redeliver} sends an
 * event again (→ 202). Another merchant's invoice or event is 404, never 403.
 */
public final class WebhookDeliveryRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryRoutes.class);

  private final Authenticated authenticated;
  private final WebhookDeliveryRepository deliveries;
  private final WebhookService webhooks;
  private final Executor blocking;

  /** {@code blocking}: where the JDBC reads run (e.g. the projection's blocking JDBC dispatcher). */
  public WebhookDeliveryRoutes(Authenticated authenticated, WebhookDeliveryRepository deliveries,
      WebhookService webhooks, Executor blocking) {
    this.authenticated = authenticated;
    this.deliveries = deliveries;
    this.webhooks = webhooks;
    this.blocking = blocking;
  }

  public Route route() {
    return pathPrefix(PathMatchers.segment("api").slash("v1").slash("webhook-deliveries"), () -> concat(
        pathEndOrSingleSlash(() -> get(() -> authenticated.merchant(merchantId ->
            parameterOptional("invoiceId", invoiceId -> completeWithFuture(list(merchantId, invoiceId)))))),
        path(PathMatchers.segment().slash("redeliver"), eventId -> post(() -> authenticated.merchant(merchantId ->
            completeWithFuture(redeliver(merchantId, eventId)))))));
  }

  private CompletionStage<HttpResponse> list(UUID merchantId, Optional<String> invoiceIdText) {
    Optional<UUID> invoiceId = invoiceIdText.flatMap(WebhookDeliveryRoutes::uuid);
    if (invoiceId.isEmpty()) {
      return CompletableFuture.completedFuture(ProblemResponses.problem(400, "Invalid request",
          "invoiceId must be the id (a UUID) of one of your invoices"));
    }
    return query(() -> deliveries.attempts(merchantId, invoiceId.get()))
        .thenApply(attempts -> attempts
            .<HttpResponse>map(list -> ProblemResponses.json(StatusCodes.OK, list))
            .orElseGet(() -> notFound("no invoice " + invoiceId.get())))
        .exceptionally(this::unavailable);
  }

  private CompletionStage<HttpResponse> redeliver(UUID merchantId, String eventIdText) {
    Optional<UUID> eventId = uuid(eventIdText);
    if (eventId.isEmpty()) {
      return CompletableFuture.completedFuture(notFound("no webhook event " + eventIdText));
    }
    return query(() -> deliveries.invoiceOfEvent(merchantId, eventId.get()))
        .thenCompose(invoiceId -> invoiceId.isEmpty()
            ? CompletableFuture.completedFuture(notFound("no webhook event " + eventId.get()))
            : webhooks.redeliver(invoiceId.get(), eventId.get())
                .thenApply(invoice -> ProblemResponses.json(StatusCodes.ACCEPTED,
                    Map.of("eventId", eventId.get().toString()))))
        .exceptionally(error -> Failures.cause(error) instanceof StatusReply.ErrorMessage
            ? notFound("no webhook event " + eventId.get())
            : unavailable(error));
  }

  private <T> CompletionStage<T> query(SqlQuery<T> query) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return query.run();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @FunctionalInterface
  private interface SqlQuery<T> {
    T run() throws SQLException;
  }

  private static HttpResponse notFound(String detail) {
    return ProblemResponses.problem(404, "Not found", detail);
  }

  private HttpResponse unavailable(Throwable error) {
    Throwable cause = Failures.cause(error);
    if (!(cause instanceof TimeoutException)) {
      log.warn("Webhook deliveries request failed: {}", cause.toString());
    }
    return ProblemResponses.problem(503, "Service unavailable", "try again shortly");
  }

  private static Optional<UUID> uuid(String text) {
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
