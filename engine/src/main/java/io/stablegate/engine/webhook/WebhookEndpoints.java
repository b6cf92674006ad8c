package io.stablegate.engine.webhook;

import io.stablegate.engine.money.Chain;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The merchants' webhook settings, as the delivery side needs them. Implemented over the database by
 * the persistence module (secrets are stored encrypted and decrypted there).
 */
public interface WebhookEndpoints {

  /** The merchant's endpoint, or empty if none is configured. */
  CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId);

  /**
   * The merchant whose wallet {@code address} (canonical) is on {@code chain}, if any: where a wallet
   * ledger's {@code transfer.unmatched} events go.
   */
  CompletionStage<Optional<UUID>> ownerOfWallet(Chain chain, String address);

  /** The endpoint answered 410 Gone: stop delivering to it until the merchant sets a URL again. */
  CompletionStage<Void> disable(UUID merchantId, String reason);
}
