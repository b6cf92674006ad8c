package io.stablegate.engine.webhook;

import io.stablegate.engine.money.Chain;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The merchants' webhook settings in memory, for tests (the real ones live in the database). */
public final class InMemoryWebhookEndpoints implements WebhookEndpoints {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<UUID, WebhookEndpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, UUID> wallets = new ConcurrentHashMap<>();

  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  public void put(UUID merchantId, String url, String... secrets) {
    endpoints.put(merchantId, new WebhookEndpoint(merchantId, url, List.of(secrets), false));
  }

  public Optional<WebhookEndpoint> get(UUID merchantId) {
    return Optional.ofNullable(endpoints.get(merchantId));
  }

  @Override
  public CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId) {
    return CompletableFuture.completedFuture(get(merchantId));
  }

  /** The merchant of a wallet, for a ledger's {@code transfer.unmatched} events. */
  public void putWallet(Chain chain, String address, UUID merchantId) {
    wallets.put(chain + ":" + address, merchantId);
  }

  @Override
  public CompletionStage<Optional<UUID>> ownerOfWallet(Chain chain, String address) {
    return CompletableFuture.completedFuture(Optional.ofNullable(wallets.get(chain + ":" + address)));
  }

  @Override
  public CompletionStage<Void> disable(UUID merchantId, String reason) {
    endpoints.computeIfPresent(merchantId, (id, e) -> new WebhookEndpoint(id, e.url(), e.secrets(), true));
    return CompletableFuture.completedFuture(null);
  }
}
