package io.stablegate.http.claims;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.stablegate.http.ApiProblem;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (bucket4j) of payers' claims: per client address and per invoice, so that neither
 * one address nor many against one invoice can make the node read the chain without end. An empty
 * bucket answers 429 with Retry-After. Node-local, like the API's other limits.
 */
final class ClaimRateLimits {
  private final ClaimSettings settings;
  private final Map<String, Bucket> perAddress = new ConcurrentHashMap<>();
  private final Map<UUID, Bucket> perInvoice = new ConcurrentHashMap<>();

  ClaimRateLimits(ClaimSettings settings) {
    this.settings = settings;
  }

  void forAddress(String address) {
    take(perAddress, address, settings.perAddressPerMinute());
  }

  void forInvoice(UUID invoiceId) {
    take(perInvoice, invoiceId, settings.perInvoicePerMinute());
  }

  private <K> void take(Map<K, Bucket> buckets, K key, int perMinute) {
    if (buckets.size() >= settings.maxTracked()) {
      // A flood of addresses or invoice ids must not grow memory without bound; forgetting only forgives.
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw ApiProblem.tooManyRequests(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }
}
