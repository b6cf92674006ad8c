package io.stablegate.http.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings.RegistrationSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registrations per client address: a token bucket of {@code per-address-per-minute} tokens, refilled
 * evenly over the minute; an empty bucket is 429 with Retry-After, before any password is hashed.
 * Node-local, like the other rate limits.
 */
public final class RegistrationThrottle {
  private final RegistrationSettings settings;
  private final Map<String, Bucket> perAddress = new ConcurrentHashMap<>();

  public RegistrationThrottle(RegistrationSettings settings) {
    this.settings = settings;
  }

  /** Takes a registration for the address; throws 429 when there is none left. */
  public void take(String address) {
    if (perAddress.size() >= settings.maxTracked()) {
      // An address flood must not grow memory without bound; forgetting buckets only forgives.
      perAddress.clear();
    }
    Bucket bucket = perAddress.computeIfAbsent(address, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(settings.perAddressPerMinute())
            .refillGreedy(settings.perAddressPerMinute(), Duration.ofMinutes(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw ApiProblem.tooManyRequests(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }
}
