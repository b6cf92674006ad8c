package io.stablegate.app.audit;

import com.typesafe.config.Config;
import io.stablegate.chain.EndpointPool;
import io.stablegate.chain.TransactionLogs;
import io.stablegate.chain.WatchedToken;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.chain.evm.EvmChainClient;
import io.stablegate.chain.tron.TronChainClient;
import io.stablegate.engine.chain.ChainAddress;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit verify --onchain}: re-reads every final transfer the journal credited from its chain,
 * through the same endpoints and clients the node's watchers use, and checks that it is still there
 * as recorded: the transaction is in a block of the node's chain, succeeded, and its log at the
 * recorded index is a {@code Transfer} of the invoice's token (its configured contract) to the invoice's
 * address of exactly the recorded amount, in the recorded block.
 *
 * <p>Credits are read from {@link CreditedTransfers}' table in order and checked on {@code
 * parallelism} threads (at most that many lookups in flight; memory does not grow with the journal).
 * Each call is bounded by {@code stablegate.chain-watcher.rpc-timeout}; an endpoint that fails is
 * left for the next one of the chain's list, and when every endpoint of a chain has failed the chain
 * is reported unreachable and checked no further. A disabled chain is "not checked", never passed.
 */
final class OnChainVerifier {
  private static final Logger log = LoggerFactory.getLogger(OnChainVerifier.class);

  /** What happened to one chain's final transfers. */
  enum Outcome {
    /** Every final transfer of the chain was looked up. */
    CHECKED,
    /** The chain is disabled (or has no endpoint): nothing was looked up. */
    NOT_CHECKED,
    /** Every endpoint failed: the lookups stopped. */
    UNREACHABLE
  }

  record ChainReport(Chain chain, Outcome outcome, long finalTransfers, long checked, long mismatches,
      String detail) {}

  private final Config config;
  private final int parallelism;
  private final int fetchSize;

  OnChainVerifier(Config config, int parallelism, int fetchSize) {
    this.config = config;
    this.parallelism = parallelism;
    this.fetchSize = fetchSize;
  }

  List<ChainReport> verify(CreditedTransfers credits, Findings findings) throws SQLException, InterruptedException {
    Map<Chain, ChainLookup> lookups = new java.util.TreeMap<>();
    ExecutorService workers = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "audit-onchain");
      t.setDaemon(true);
      return t;
    });
    Semaphore inFlight = new Semaphore(parallelism);
    try {
      credits.forEach(fetchSize, credit -> {
        ChainLookup lookup = lookups.computeIfAbsent(credit.transfer().chain(), this::lookup);
        lookup.finalTransfers.incrementAndGet();
        if (!lookup.usable()) {
          return;
        }
        try {
          inFlight.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted", e);
        }
        workers.execute(() -> {
          try {
            lookup.check(credit).ifPresent(findings::add);
          } catch (RuntimeException e) {
            // Never a silent pass: a check that could not be made makes the chain unreachable.
            lookup.abandon(e);
          } finally {
            inFlight.release();
          }
        });
      });
      workers.shutdown();
      // Every call has its own timeout, so this ends; the bound is for the impossible case.
      if (!workers.awaitTermination(1, TimeUnit.DAYS)) {
        throw new IllegalStateException("on-chain checks did not finish");
      }
    } finally {
      workers.shutdownNow();
      lookups.values().forEach(ChainLookup::close);
    }
    List<ChainReport> reports = new ArrayList<>();
    lookups.values().forEach(l -> reports.add(l.report()));
    return reports;
  }

  private ChainLookup lookup(Chain chain) {
    String enabledPath = "stablegate.chains." + chain.configKey() + ".enabled";
    if (!config.getBoolean(enabledPath)) {
      return new ChainLookup(chain, null, "STABLEGATE_" + chain.name() + "_ENABLED is false");
    }
    try {
      return new ChainLookup(chain, WatcherSettings.fromConfig(config, chain), null);
    } catch (RuntimeException e) {
      return new ChainLookup(chain, null, "no usable chain access configured (" + e.getMessage() + ")");
    }
  }

  /** One chain's endpoints, connected lazily in order; shared by the worker threads. */
  private static final class ChainLookup implements AutoCloseable {
    final Chain chain;
    final WatcherSettings settings;
    final String notChecked;
    final AtomicLong finalTransfers = new AtomicLong();
    final AtomicLong checked = new AtomicLong();
    final AtomicLong mismatches = new AtomicLong();
    private int endpoint;
    private Client client;
    private String unreachable;
    private String lastError = "";

    ChainLookup(Chain chain, WatcherSettings settings, String notChecked) {
      this.chain = chain;
      this.settings = settings;
      this.notChecked = notChecked;
    }

    synchronized boolean usable() {
      return notChecked == null && unreachable == null;
    }

    /** The violation this credit is, if it is not on chain as recorded. */
    Optional<Violation> check(Credit credit) {
      while (true) {
        Client current = client();
        if (current == null) {
          return Optional.empty();
        }
        Optional<TransactionLogs> found;
        try {
          found = current.find(credit.transfer().txHash());
        } catch (Exception e) {
          failed(current, e);
          continue;
        }
        checked.incrementAndGet();
        Optional<String> mismatch = mismatch(credit, found, current.tokens());
        mismatch.ifPresent(m -> mismatches.incrementAndGet());
        return mismatch.map(m -> new Violation(credit.persistenceId(), credit.seqNr(), m));
      }
    }

    private Optional<String> mismatch(Credit credit, Optional<TransactionLogs> found, List<WatchedToken> tokens) {
      String recorded = "final transfer " + credit.transfer() + " (" + Amounts.format(credit.amount()) + " to "
          + credit.to() + " in block " + credit.blockNumber() + ")";
      if (found.isEmpty()) {
        return Optional.of(recorded + " is not on chain: the node knows no mined transaction "
            + credit.transfer().txHash());
      }
      TransactionLogs tx = found.get();
      if (!tx.succeeded()) {
        return Optional.of(recorded + ": the transaction failed on chain (block " + tx.blockNumber() + ")");
      }
      Optional<TransactionLogs.TransferLog> logged = tx.transfer(credit.transfer().logIndex());
      if (logged.isEmpty()) {
        return Optional.of(recorded + ": the transaction has no Transfer log at index " + credit.transfer().logIndex()
            + " (its Transfer logs: " + tx.transfers().stream().map(t -> String.valueOf(t.logIndex())).toList() + ")");
      }
      TransactionLogs.TransferLog t = logged.get();
      Optional<WatchedToken> token = tokens.stream().filter(w -> w.contract().equals(t.contract())).findFirst();
      if (token.isEmpty()) {
        return Optional.of(recorded + ": the log was emitted by " + t.contract() + ", not by a token of the chain "
            + tokens.stream().map(w -> w.token() + " " + w.contract()).toList());
      }
      if (token.get().token() != credit.token()) {
        return Optional.of(recorded + ": on chain it moves " + token.get().token() + " (" + t.contract()
            + "), but the invoice is in " + credit.token());
      }
      int decimals = token.get().decimals();
      if (!t.to().equals(credit.to())) {
        return Optional.of(recorded + ": on chain it pays " + t.to());
      }
      BigDecimal amount = Amounts.fromBaseUnits(t.units(), decimals);
      if (amount.compareTo(credit.amount()) != 0) {
        return Optional.of(recorded + ": on chain it moves " + Amounts.format(amount) + " (" + t.units()
            + " base units, " + decimals + " decimals)");
      }
      if (tx.blockNumber() != credit.blockNumber() || !tx.blockHash().equalsIgnoreCase(credit.blockHash())) {
        return Optional.of(recorded + ": on chain it is in block " + tx.blockNumber() + " (" + tx.blockHash()
            + "), not in the block it was recorded in (" + credit.blockHash() + ")");
      }
      return Optional.empty();
    }

    /** The current endpoint's client, connecting the next endpoints in order; null once all failed. */
    private synchronized Client client() {
      while (client == null && unreachable == null) {
        if (endpoint >= settings.endpoints().size()) {
          unreachable = "every endpoint failed, the last " + lastError;
          log.error("{}: {}", chain, unreachable);
          return null;
        }
        String url = settings.endpoints().get(endpoint);
        try {
          client = connect(url);
          log.info("{}: re-reading final transfers from {}", chain, EndpointPool.redact(url));
        } catch (Exception e) {
          lastError = EndpointPool.redact(url) + ": " + describe(e);
          log.warn("{}: cannot use {}", chain, lastError);
          endpoint++;
        }
      }
      return client;
    }

    synchronized void abandon(RuntimeException e) {
      if (unreachable == null) {
        unreachable = "a lookup failed unexpectedly: " + describe(e);
        log.error("{}: {}", chain, unreachable, e);
      }
    }

    private synchronized void failed(Client failed, Exception e) {
      if (client == failed) {
        lastError = EndpointPool.redact(failed.endpoint()) + ": " + describe(e);
        log.warn("{}: {} failed", chain, lastError);
        failed.close();
        client = null;
        endpoint++;
      }
    }

    private Client connect(String url) throws Exception {
      if (chain.isEvm()) {
        EvmChainClient evm = EvmChainClient.connector(settings).connect(url);
        return new Client(url, evm.tokens(), evm::transactionLogs, evm);
      }
      TronChainClient tron = TronChainClient.connector(settings).connect(url);
      return new Client(url, tron.tokens(), tron::transactionLogs, tron);
    }

    synchronized ChainReport report() {
      String endpoints = settings == null ? "" : String.join(", ",
          settings.endpoints().stream().map(EndpointPool::redact).toList());
      if (notChecked != null) {
        return new ChainReport(chain, Outcome.NOT_CHECKED, finalTransfers.get(), 0, 0, notChecked);
      }
      if (unreachable != null) {
        return new ChainReport(chain, Outcome.UNREACHABLE, finalTransfers.get(), checked.get(), mismatches.get(),
            unreachable);
      }
      return new ChainReport(chain, Outcome.CHECKED, finalTransfers.get(), checked.get(), mismatches.get(),
          "read from " + (client == null ? endpoints : EndpointPool.redact(client.endpoint())));
    }

    @Override
    public synchronized void close() {
      if (client != null) {
        client.close();
      }
    }

    private static String describe(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null && root.getMessage() == null) {
        root = root.getCause();
      }
      return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
  }

  @FunctionalInterface
  private interface Finder {
    Optional<TransactionLogs> find(String txHash) throws Exception;
  }

  /** A connected EVM or Tron client, as far as the audit uses it. */
  private record Client(String endpoint, List<WatchedToken> tokens, Finder finder, AutoCloseable closeable) {
    Optional<TransactionLogs> find(String txHash) throws Exception {
      return finder.find(txHash);
    }

    void close() {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("closing {}: {}", EndpointPool.redact(endpoint), e.toString());
      }
    }
  }
}
