package io.stablegate.chain;

import com.typesafe.config.Config;
import io.stablegate.chain.evm.EvmChainClient;
import io.stablegate.chain.tron.TronChainClient;
import io.stablegate.engine.chain.ChainAddress;
import io.stablegate.engine.claims.ChainTransaction;
import io.stablegate.engine.claims.ChainTransactions;
import io.stablegate.engine.claims.ChainUnavailableException;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payers' claims read transactions through this: one {@link EndpointPool} per enabled chain, over the
 * same endpoints and clients as the chain's watcher ({@link ChainClient#transactionLogs}, the
 * receipt on EVM chains and the transaction info on Tron, plus the block for its timestamp). Every
 * node has its own pools, so a claim is answered where it arrives. An endpoint that fails rests and
 * the next one is asked; when none is left the stage fails with {@link ChainUnavailableException}.
 */
public final class ChainTransactionLookup implements ChainTransactions, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainTransactionLookup.class);

  private record ChainAccess(EndpointPool<ChainClient> pool, int attempts) {}

  private final Map<Chain, ChainAccess> chains;
  private final Executor blocking;

  private ChainTransactionLookup(Map<Chain, ChainAccess> chains, Executor blocking) {
    this.chains = chains;
    this.blocking = blocking;
  }

  /** Pools for every chain enabled in {@code config}; calls block on {@code blocking}. */
  public static ChainTransactionLookup create(Config config, Executor blocking, Clock clock) {
    Map<Chain, ChainAccess> chains = new java.util.TreeMap<>();
    for (Chain chain : Chain.values()) {
      WatcherSettings settings = WatcherSettings.fromConfig(config, chain);
      if (!settings.enabled()) {
        continue;
      }
      EndpointPool.Connector<? extends ChainClient> connector = chain.isEvm()
          ? EvmChainClient.connector(settings)
          : TronChainClient.connector(settings);
      EndpointPool<ChainClient> pool = new EndpointPool<>(settings.endpoints(), connector::connect,
          settings.minBackoff(), settings.maxBackoff(), clock);
      chains.put(chain, new ChainAccess(pool, settings.endpoints().size()));
    }
    return new ChainTransactionLookup(chains, blocking);
  }

  @Override
  public CompletionStage<Optional<ChainTransaction>> find(Chain chain, String txHash) {
    ChainAccess access = chains.get(chain);
    if (access == null) {
      return CompletableFuture.failedFuture(
          new ChainUnavailableException(chain + " is not enabled on this node", Duration.ofMinutes(5)));
    }
    return CompletableFuture.supplyAsync(() -> read(chain, access, txHash), blocking);
  }

  /** Tries the endpoints in the pool's order, each at most once. */
  private Optional<ChainTransaction> read(Chain chain, ChainAccess access, String txHash) {
    for (int attempt = 0; attempt < access.attempts(); attempt++) {
      ChainClient client;
      try {
        client = access.pool().acquire();
      } catch (EndpointPool.NoEndpointAvailable e) {
        throw unavailable(chain, access, e.getMessage());
      }
      try {
        Optional<ChainTransaction> found = read(chain, client, txHash);
        access.pool().succeeded(client);
        return found;
      } catch (Exception e) {
        access.pool().failed(client, e);
      }
    }
    throw unavailable(chain, access, "every endpoint failed");
  }

  private static Optional<ChainTransaction> read(Chain chain, ChainClient client, String txHash)
      throws Exception {
    Optional<TransactionLogs> found = client.transactionLogs(txHash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    TransactionLogs tx = found.get();
    Optional<BlockRef> block = client.block(tx.blockNumber());
    if (block.isEmpty() || !block.get().hash().equalsIgnoreCase(tx.blockHash())) {
      // The block moved under the lookup (a reorganisation): as good as not mined yet.
      return Optional.empty();
    }
    List<ChainTransaction.TokenTransfer> transfers = new java.util.ArrayList<>();
    for (TransactionLogs.TransferLog t : tx.transfers()) {
      client.token(t.contract()).ifPresent(token -> transfers.add(new ChainTransaction.TokenTransfer(t.logIndex(),
          t.from(), t.to(), Amounts.fromBaseUnits(t.units(), token.decimals()), token.token())));
    }
    return Optional.of(new ChainTransaction(chain, tx.txHash(), tx.blockNumber(), block.get().time(), tx.succeeded(),
        transfers));
  }

  private static CompletionException unavailable(Chain chain, ChainAccess access, String why) {
    Duration retryAfter = access.pool().nextAttemptIn();
    log.warn("{}: a claim's transaction could not be read: {}", chain, why);
    return new CompletionException(new ChainUnavailableException(chain + " cannot be reached right now ("
        + why + ")", retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter));
  }

  @Override
  public void close() {
    chains.values().forEach(a -> a.pool().close());
  }
}
