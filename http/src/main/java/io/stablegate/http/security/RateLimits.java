package io.stablegate.http.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings.RateLimitSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (bucket4j) per client address and per API key; an empty bucket answers 429 with
 * Retry-After. Node-local: behind a load balancer each node allows its own share.
 */
public final class RateLimits {
  private final RateLimitSettings settings;
  private final Map<String, Bucket> perAddress = new ConcurrentHashMap<>();
  private final Map<String, Bucket> perApiKey = new ConcurrentHashMap<>();

  public RateLimits(RateLimitSettings settings) {
    this.settings = settings;
  }

  /** Takes a token for the address; throws 429 when there is none. */
  public void forAddress(String address) {
    take(perAddress, address, settings.perAddressPerSecond(), settings.perAddressBurst());
  }

  /** Takes a token for the API key (identified by its merchant); throws 429 when there is none. */
  public void forApiKey(String merchantId) {
    take(perApiKey, merchantId, settings.perApiKeyPerSecond(), settings.perApiKeyBurst());
  }

  private void take(Map<String, Bucket> buckets, String key, int perSecond, int burst) {
    if (buckets.size() >= settings.maxTracked()) {
      // An address flood must not grow memory without bound; forgetting buckets only forgives.
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw ApiProblem.tooManyRequests(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }
}
