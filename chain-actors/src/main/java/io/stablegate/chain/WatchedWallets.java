package io.stablegate.chain;

import io.stablegate.engine.money.Chain;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The merchants' wallets on a chain, in canonical form ({@link io.stablegate.engine.chain.ChainAddress#value()}).
 * The app answers it with a database query; the chain module cannot depend on the database.
 */
@FunctionalInterface
public interface WatchedWallets {
  CompletionStage<Set<String>> addresses(Chain chain);
}
