package io.stablegate.chain;

import io.stablegate.engine.Failures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of one chain in order of preference. A call goes to the first endpoint that is not
 * resting; one that fails rests for an exponentially growing, jittered while and is then tried
 * again, so the watcher returns to the preferred endpoint once it recovers.
 */
public final class EndpointPool<C extends ChainClient> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

  /** Opens and checks a client (chain id, decimals); throws if the endpoint is unusable. */
  @FunctionalInterface
  public interface Connector<C> {
    C connect(String endpoint) throws Exception;
  }

  /** Every endpoint is resting; the soonest one is {@code retryIn} away. */
  public static final class NoEndpointAvailable extends Exception {
    public NoEndpointAvailable(String message) {
      super(message);
    }
  }

  private static final class Slot<C> {
    final String endpoint;
    C client;
    int failures;
    String lastError;
    Instant restUntil = Instant.MIN;

    Slot(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  private final List<Slot<C>> slots = new ArrayList<>();
  private final Connector<C> connector;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Clock clock;

  public EndpointPool(List<String> endpoints, Connector<C> connector, Duration minBackoff, Duration maxBackoff,
      Clock clock) {
    endpoints.forEach(e -> slots.add(new Slot<>(e)));
    this.connector = connector;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
  }

  /** The client of the first endpoint not resting, connecting it if needed. */
  public synchronized C acquire() throws NoEndpointAvailable {
    Instant now = clock.instant();
    for (Slot<C> slot : slots) {
      if (now.isBefore(slot.restUntil)) {
        continue;
      }
      if (slot.client == null) {
        try {
          slot.client = connector.connect(slot.endpoint);
        } catch (Exception e) {
          rest(slot, e);
          continue;
        }
      }
      return slot.client;
    }
    Slot<C> soonest = slots.stream().min(java.util.Comparator.comparing(s -> s.restUntil)).orElseThrow();
    // Connecting may have taken a while: measure the wait from now, not from the start of this call.
    throw new NoEndpointAvailable("every endpoint failed recently (" + redact(soonest.endpoint) + ": "
        + soonest.lastError + "); the next is tried in "
        + Math.max(0, Duration.between(clock.instant(), soonest.restUntil).toMillis()) + " ms");
  }

  /** The call on {@code client} failed: that endpoint rests, and its client is reopened later. */
  public synchronized void failed(C client, Throwable error) {
    for (Slot<C> slot : slots) {
      if (slot.client == client) {
        rest(slot, error);
        return;
      }
    }
  }

  public synchronized void succeeded(C client) {
    for (Slot<C> slot : slots) {
      if (slot.client == client) {
        slot.failures = 0;
      }
    }
  }

  /** How long until some endpoint may be tried again (zero if one may now). */
  public synchronized Duration nextAttemptIn() {
    Instant now = clock.instant();
    return slots.stream()
        .map(s -> s.restUntil.isAfter(now) ? Duration.between(now, s.restUntil) : Duration.ZERO)
        .min(Duration::compareTo).orElse(Duration.ZERO);
  }

  private void rest(Slot<C> slot, Throwable error) {
    slot.failures++;
    slot.lastError = describe(error);
    long base = minBackoff.toMillis() << Math.min(slot.failures - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    // Full jitter on the upper half keeps several nodes from hammering a recovering endpoint together.
    long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    slot.restUntil = clock.instant().plusMillis(delay);
    if (slot.client != null) {
      slot.client.close();
      slot.client = null;
    }
    log.warn("Endpoint {} failed ({} in a row), resting {} ms: {}", redact(slot.endpoint), slot.failures, delay,
        describe(error));
  }

  /**
   * An endpoint as logs and the health endpoint may show it: providers put API keys in URL paths and
   * queries, so only the scheme, host and port are kept.
   */
  public static String redact(String endpoint) {
    try {
      java.net.URI uri = java.net.URI.create(endpoint);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return endpoint;
      }
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
          ? "" : "/…";
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path
          + (uri.getRawQuery() == null ? "" : "?…");
    } catch (IllegalArgumentException e) {
      return endpoint;
    }
  }

  static String describe(Throwable error) {
    Throwable root = Failures.cause(error);
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  @Override
  public synchronized void close() {
    for (Slot<C> slot : slots) {
      if (slot.client != null) {
        slot.client.close();
        slot.client = null;
      }
    }
  }
}
