package io.stablegate.engine.webhook;

import io.stablegate.engine.webhook.AttemptResult.Verdict;
import io.stablegate.engine.webhook.WebhookTargetGuard.RefusedTargetException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * Sends one signed webhook request and says what came of it. Pekko HTTP's client, because its
 * transport lets us resolve the host ourselves: the {@link WebhookTargetGuard} resolves and checks
 * the host for each new connection and the socket goes to the checked address, while the URL's host
 * name stays in the {@code Host} header and in TLS (SNI and certificate check).
 *
 * <p>No redirect is followed (the client never does), an attempt ends after {@code timeout}, at most
 * {@code responseBodyLimit} bytes of the answer are read (then the connection is dropped), and at
 * most {@code maxConcurrentPerEndpoint} requests are in flight per merchant endpoint on this node.
 */
public final class WebhookSender {
  private static final int ERROR_SNIPPET = 200;

  private final WebhookDeliverySettings settings;
  private final WebhookTargetGuard guard;
  private final Clock clock;
  private final Http http;
  private final Materializer materializer;
  private final ConnectionPoolSettings pool;
  private final EndpointConcurrencyLimiter limiter;
  private final org.apache.pekko.event.LoggingAdapter log;
  /**
   * Why the guard last refused a host. The refusal happens inside the connection pool, which reports
   * it only as a failed connection; this lets the attempt say why.
   */
  private final Map<String, String> refusals = new ConcurrentHashMap<>();

  public WebhookSender(ActorSystem<?> system, WebhookDeliverySettings settings, WebhookTargetGuard guard, Clock clock) {
    this.settings = settings;
    this.guard = guard;
    this.clock = clock;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.log = system.classicSystem().log();
    this.limiter = new EndpointConcurrencyLimiter(settings.maxConcurrentPerEndpoint());
    Executor resolving = system.dispatchers().lookup(DispatcherSelector.blocking());
    ClientTransport checkedTransport = ClientTransport.withCustomResolver((host, port) ->
        CompletableFuture.supplyAsync(() -> {
          try {
            InetSocketAddress checked = new InetSocketAddress(guard.resolve(host), (Integer) port);
            refusals.remove(bare(host));
            return checked;
          } catch (RefusedTargetException e) {
            refusals.put(bare(host), e.getMessage());
            throw new CompletionException(e);
          }
        }, resolving));
    this.pool = ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(settings.maxConnectionsPerHost())
        .withMaxOpenRequests(Integer.highestOneBit(settings.maxConnectionsPerHost() * 4 - 1) << 1)
        .withMaxRetries(0)
        .withConnectionSettings(ClientConnectionSettings.create(system.classicSystem())
            .withTransport(checkedTransport)
            .withConnectingTimeout(settings.timeout())
            .withIdleTimeout(settings.timeout()));
  }

  /**
   * Sends {@code body} to {@code url}, signed with {@code secrets} (current first). Never fails: every
   * failure is an {@link AttemptResult} with verdict {@code RETRY}.
   */
  public CompletionStage<AttemptResult> send(UUID merchantId, String url, String eventId, byte[] body,
      List<String> secrets) {
    Instant attemptedAt = clock.instant();
    URI uri;
    try {
      uri = guard.checkUrl(url);
    } catch (RefusedTargetException e) {
      return CompletableFuture.completedFuture(
          new AttemptResult(attemptedAt, null, "refused target: " + e.getMessage(), 0, Verdict.RETRY));
    }
    return limiter.run(merchantId + " " + uri, () -> attempt(uri, eventId, body, secrets));
  }

  private CompletionStage<AttemptResult> attempt(URI uri, String eventId, byte[] body, List<String> secrets) {
    Instant attemptedAt = clock.instant();
    long started = System.nanoTime();
    long timestamp = attemptedAt.getEpochSecond();
    WebhookSigner.Signatures signatures = WebhookSigner.sign(eventId, timestamp, body, secrets);
    HttpRequest request = HttpRequest.POST(uri.toString())
        .withEntity(ContentTypes.APPLICATION_JSON, body)
        .addHeader(RawHeader.create(WebhookSigner.LEGACY_SIGNATURE_HEADER, signatures.legacySignature()))
        .addHeader(RawHeader.create(WebhookSigner.ID_HEADER, eventId))
        .addHeader(RawHeader.create(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp)))
        .addHeader(RawHeader.create(WebhookSigner.SIGNATURE_HEADER, signatures.webhookSignature()));
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, log)
        .thenCompose(response -> readLimited(response)
            .thenApply(snippet -> result(attemptedAt, started, response.status().intValue(), snippet)))
        .toCompletableFuture()
        .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(error -> new AttemptResult(attemptedAt, null, describe(error, uri.getHost()),
            elapsedMs(started), Verdict.RETRY));
  }

  private AttemptResult result(Instant attemptedAt, long started, int status, String snippet) {
    long ms = elapsedMs(started);
    if (status >= 200 && status < 300) {
      return new AttemptResult(attemptedAt, status, null, ms, Verdict.DELIVERED);
    }
    String error = "HTTP " + status + (snippet.isBlank() ? "" : ": " + snippet);
    return new AttemptResult(attemptedAt, status, error, ms, status == 410 ? Verdict.GONE : Verdict.RETRY);
  }

  /**
   * Reads at most {@code responseBodyLimit} bytes; stopping early cancels the entity's stream, which
   * closes the connection instead of draining a body of any size.
   */
  private CompletionStage<String> readLimited(HttpResponse response) {
    HttpEntity entity = response.entity().withoutSizeLimit();
    int limit = settings.responseBodyLimit();
    long[] seen = {0};
    return entity.getDataBytes()
        .takeWhile(chunk -> {
          boolean wanted = seen[0] < limit;
          seen[0] += chunk.size();
          return wanted;
        })
        .runFold(ByteString.emptyByteString(), ByteString::concat, materializer)
        .thenApply(bytes -> {
          String text = bytes.take(Math.min(limit, ERROR_SNIPPET)).utf8String().strip();
          return text.replaceAll("\\s+", " ");
        })
        .exceptionally(error -> "");
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static long elapsedMs(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  /** A short reason for the attempts list; never the request (it carries signatures). */
  private String describe(Throwable error, String host) {
    String refusal = refusals.get(bare(host));
    if (refusal != null) {
      return "refused target: " + refusal;
    }
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause.getCause() instanceof RefusedTargetException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return "timed out after " + settings.timeout().toMillis() + " ms";
    }
    if (cause instanceof RefusedTargetException) {
      return "refused target: " + cause.getMessage();
    }
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    String text = cause.getClass().getSimpleName() + message;
    return text.length() > 300 ? text.substring(0, 300) : text;
  }
}
