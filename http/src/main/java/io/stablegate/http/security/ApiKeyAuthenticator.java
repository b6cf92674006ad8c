package io.stablegate.http.security;

import io.stablegate.http.Blocking;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.MerchantRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves an API key to its merchant. Keys are looked up by their SHA-256, first in memory (so a
 * request costs no database round trip), then in the database. The cache maps a key's hash to the
 * merchant; a rotation anywhere in the cluster evicts that merchant's entries on every node through
 * {@link MerchantChanges}, and the node that rotated evicts before it answers.
 */
public final class ApiKeyAuthenticator {
  private record Cached(String hash, MerchantRepository.KeyOwner owner) {}

  private final MerchantRepository merchants;
  private final Blocking blocking;
  private final int maxEntries;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  // Bumped by every eviction: a lookup that overlapped one does not cache what it read, since that
  // may be the key that was just rotated away.
  private final AtomicLong evictions = new AtomicLong();

  public ApiKeyAuthenticator(MerchantRepository merchants, Blocking blocking, MerchantChanges changes,
      int maxEntries) {
    this.merchants = merchants;
    this.blocking = blocking;
    this.maxEntries = maxEntries;
    changes.subscribe(notice -> {
      if (notice instanceof MerchantChanges.ApiKeyRotated rotated) {
        evict(rotated.merchantId());
      }
    });
  }

  /** The merchant whose key (live or test) this is, or empty. */
  public CompletionStage<Optional<MerchantRepository.KeyOwner>> authenticate(String apiKey) {
    if (!ApiKeys.wellFormed(apiKey)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hash = ApiKeys.hash(apiKey);
    Cached cached = cache.get(hash);
    // The map finds the entry by the hash; comparing the hash again in constant time costs nothing
    // and keeps every comparison of key material free of early exits.
    if (cached != null && constantTimeEquals(cached.hash(), hash)) {
      return CompletableFuture.completedFuture(Optional.of(cached.owner()));
    }
    long evictionsBefore = evictions.get();
    return blocking.run(() -> merchants.findByApiKeyHash(hash)).thenApply(found -> {
      found.ifPresent(id -> remember(hash, id, evictionsBefore));
      return found;
    });
  }

  /** Forgets every cached key of the merchant. */
  public synchronized void evict(UUID merchantId) {
    evictions.incrementAndGet();
    cache.values().removeIf(c -> c.owner().merchantId().equals(merchantId));
  }

  private synchronized void remember(String hash, MerchantRepository.KeyOwner owner, long evictionsBefore) {
    if (cache.size() >= maxEntries) {
      cache.clear();
    }
    if (evictions.get() == evictionsBefore) {
      cache.put(hash, new Cached(hash, owner));
    }
  }

  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
