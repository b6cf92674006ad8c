package io.stablegate.engine.webhook;

import io.stablegate.engine.money.Chain;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The merchants' webhook settings, as the delivery side needs them: the default endpoint
 * ({@code PUT /api/v1/webhook}) and the further endpoints ({@code /api/v1/webhook-endpoints}), each with
 * its own secret and event filter. Implemented over the database by the persistence module (secrets
 * are stored encrypted and decrypted there). The methods about further endpoints answer "none" by
 * default, for implementations that know only the default endpoint.
 */
public interface WebhookEndpoints {

  /** The merchant's default endpoint, or empty if none is configured. */
  CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId);

  /**
   * The merchant whose wallet {@code address} (canonical) is on {@code chain}, if any: where a wallet
   * ledger's {@code transfer.unmatched} events go.
   */
  CompletionStage<Optional<UUID>> ownerOfWallet(Chain chain, String address);

  /** The default endpoint answered 410 Gone: stop delivering to it until the merchant sets a URL again. */
  CompletionStage<Void> disable(UUID merchantId, String reason);

  /** The merchant's further endpoint {@code endpointId}, or empty if there is none (deleted). */
  default CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId, UUID endpointId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** The ids of the merchant's further endpoints subscribed to webhook type {@code type} (its wire name). */
  default CompletionStage<List<UUID>> subscribed(UUID merchantId, String type) {
    return CompletableFuture.completedFuture(List.of());
  }

  /** Endpoint {@code endpointId} answered 410 Gone: stop delivering to it until the merchant re-enables it. */
  default CompletionStage<Void> disable(UUID merchantId, UUID endpointId, String reason) {
    return CompletableFuture.completedFuture(null);
  }
}
