package io.stablegate.chain;

import io.stablegate.chain.ScanResult.Advanced;
import io.stablegate.chain.ScanResult.Reorganized;
import io.stablegate.chain.WatcherCommand.CycleDone;
import io.stablegate.chain.WatcherCommand.CycleFailed;
import io.stablegate.chain.WatcherCommand.Poll;
import io.stablegate.chain.WatcherCommand.RefreshWallets;
import io.stablegate.chain.WatcherCommand.Stop;
import io.stablegate.chain.WatcherEvent.BlocksScanned;
import io.stablegate.chain.WatcherEvent.ReorgRolledBack;
import io.stablegate.engine.Failures;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher of one chain: a cycle reads the chain from the checkpoint (off the actor's thread),
 * tells the engine what it found, and only then persists the new checkpoint. A crash between the
 * two repeats calls the engine treats as idempotent, never skips a block. A final or a confirmation count the
 * engine has not taken within {@code engine-wait} (an invoice whose shard is moving) does not hold the scan
 * back: the transfer stays pending in the checkpoint and a later cycle takes the answer (or tells it again if it
 * failed). One cycle runs at a time;
 * while behind the head, cycles follow each other at once, otherwise every poll interval.
 */
public final class ChainWatcher extends EventSourcedBehavior<WatcherCommand, WatcherEvent, Checkpoint> {
  private static final Logger log = LoggerFactory.getLogger(ChainWatcher.class);
  private static final String POLL_TIMER = "poll";

  public static PersistenceId persistenceId(Chain chain) {
    return PersistenceId.of("ChainWatcher", chain.name());
  }

  public static Behavior<WatcherCommand> create(WatcherSettings settings,
      EndpointPool.Connector<? extends ChainClient> connector, PaymentMatcher matcher, WatchedWallets wallets,
      ChainStatusBoard board, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ChainWatcher(ctx, timers, settings, connector, matcher, wallets, board, clock)));
  }

  private final ActorContext<WatcherCommand> ctx;
  private final TimerScheduler<WatcherCommand> timers;
  private final WatcherSettings settings;
  private final EndpointPool<ChainClient> pool;
  private final ChainScanner scanner;
  private final PaymentMatcher matcher;
  private final WatchedWallets wallets;
  private final ChainStatusBoard board;
  private final Clock clock;
  private final Executor blocking;

  // Actor-local: touched only on the actor's thread.
  private boolean cycleRunning;
  private boolean pollAgain;
  private long head = -1;
  private String endpoint;
  /**
   * Finals told to the engine and not recorded in the checkpoint yet, by transfer: a cycle that stopped
   * waiting for one (engine-wait) does not tell it again while it is still on its way, and takes its answer
   * when it has come. Used by one cycle at a time, on the threads its futures complete on.
   */
  private final Map<TransferKey, CompletableFuture<TransferKey>> finalsTold = new ConcurrentHashMap<>();
  /** Set off the actor's thread by each cycle, read when publishing. */
  private volatile Map<String, String> tokens = Map.of();
  private String lastError;
  private Instant lastErrorAt;

  private ChainWatcher(ActorContext<WatcherCommand> ctx, TimerScheduler<WatcherCommand> timers,
      WatcherSettings settings, EndpointPool.Connector<? extends ChainClient> connector, PaymentMatcher matcher,
      WatchedWallets wallets, ChainStatusBoard board, Clock clock) {
    super(persistenceId(settings.chain()));
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.pool = new EndpointPool<>(settings.endpoints(), connector::connect, settings.minBackoff(),
        settings.maxBackoff(), clock);
    this.scanner = new ChainScanner(settings);
    this.matcher = matcher;
    this.wallets = wallets;
    this.board = board;
    this.clock = clock;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(WatcherSettings.BLOCKING_DISPATCHER));
  }

  @Override
  public Checkpoint emptyState() {
    return Checkpoint.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public EventHandler<Checkpoint, WatcherEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.hashHistory()));
  }

  @Override
  public SignalHandler<Checkpoint> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          log.info("{} watcher starting from {}, {} transfers not final yet, endpoints {}", settings.chain(),
              state.started() ? "block " + state.scanned() : settings.startBlock().isPresent()
                  ? "block " + settings.startBlock().getAsLong() : "the head",
              state.pending().size(), settings.endpoints().stream().map(EndpointPool::redact).toList());
          ctx.getSelf().tell(Poll.INSTANCE);
        })
        .onSignal(PostStop.instance(), state -> pool.close())
        .build();
  }

  @Override
  public CommandHandler<WatcherCommand, WatcherEvent, Checkpoint> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Poll.class, this::poll)
        .onCommand(RefreshWallets.class, (state, cmd) -> poll(state, Poll.INSTANCE))
        .onCommand(CycleDone.class, this::cycleDone)
        .onCommand(CycleFailed.class, this::cycleFailed)
        .onCommand(Stop.class, (state, cmd) -> Effect().stop())
        .build();
  }

  private Effect<WatcherEvent, Checkpoint> poll(Checkpoint state, Poll cmd) {
    if (cycleRunning) {
      pollAgain = true;
      return Effect().none();
    }
    cycleRunning = true;
    pollAgain = false;
    timers.cancel(POLL_TIMER);
    ctx.pipeToSelf(cycle(state), (done, error) -> error == null ? done
        : new CycleFailed(EndpointPool.describe(error)));
    return Effect().none();
  }

  private Effect<WatcherEvent, Checkpoint> cycleDone(Checkpoint state, CycleDone done) {
    head = done.result().head();
    endpoint = done.result().endpoint();
    if (done.event() == null) {
      return Effect().none().thenRun(this::afterCycle);
    }
    return Effect().persist(done.event()).thenRun(this::afterCycle);
  }

  private void afterCycle(Checkpoint state) {
    cycleRunning = false;
    publish(state);
    boolean behind = state.started() && state.scanned() < head;
    if (behind || pollAgain) {
      ctx.getSelf().tell(Poll.INSTANCE);
    } else {
      timers.startSingleTimer(POLL_TIMER, Poll.INSTANCE, settings.pollInterval());
    }
  }

  private Effect<WatcherEvent, Checkpoint> cycleFailed(Checkpoint state, CycleFailed failed) {
    cycleRunning = false;
    lastError = failed.error();
    lastErrorAt = clock.instant();
    log.warn("{} watcher cycle failed at block {}: {}", settings.chain(), state.scanned(), failed.error());
    publish(state);
    Duration wait = pool.nextAttemptIn();
    timers.startSingleTimer(POLL_TIMER, Poll.INSTANCE,
        wait.compareTo(settings.pollInterval()) > 0 ? wait : settings.pollInterval());
    return Effect().none();
  }

  private void publish(Checkpoint state) {
    board.publish(new ChainStatus(settings.chain(), Math.max(head, state.scanned()), state.scanned(),
        endpoint == null ? null : EndpointPool.redact(endpoint), lastError, lastErrorAt, state.deepReorg(),
        clock.instant(), tokens));
  }

  /** Each configured token's state as the client connected found it. */
  private static Map<String, String> tokenStates(ChainClient client) {
    Map<String, String> states = new java.util.TreeMap<>();
    client.tokens().forEach(t -> states.put(t.token().name(), "watching"));
    client.tokensOff().forEach((token, why) -> states.put(token.name(), "off: " + why));
    return states;
  }

  // ---- one cycle, off the actor's thread: read the chain, then tell the engine ----

  private CompletionStage<WatcherCommand> cycle(Checkpoint checkpoint) {
    return CompletableFuture.supplyAsync(() -> readChain(checkpoint), blocking)
        .thenCompose(result -> switch (result) {
          case Advanced advanced -> tellAdvanced(checkpoint, advanced);
          case Reorganized reorg -> tellReorganized(checkpoint, reorg);
        });
  }

  /** Reads on the first usable endpoint; one that fails rests and the next is tried at once. */
  private ScanResult readChain(Checkpoint checkpoint) {
    Exception last = null;
    for (int attempt = 0; attempt < settings.endpoints().size(); attempt++) {
      ChainClient client;
      try {
        client = pool.acquire();
      } catch (EndpointPool.NoEndpointAvailable e) {
        throw new CompletionException(last != null ? last : e);
      }
      tokens = tokenStates(client);
      try {
        ScanResult result = scanner.scan(client, checkpoint, this::watchedWallets);
        pool.succeeded(client);
        return result;
      } catch (ChainScanner.ChainMovedException | WalletsUnavailable e) {
        throw e; // not the endpoint's fault: the next cycle reads again
      } catch (Exception e) {
        pool.failed(client, e);
        last = e;
      }
    }
    throw new CompletionException(last);
  }

  private static final class WalletsUnavailable extends RuntimeException {
    WalletsUnavailable(Throwable cause) {
      super("could not read the watched wallets: " + EndpointPool.describe(cause), cause);
    }
  }

  private Set<String> watchedWallets() {
    try {
      return wallets.addresses(settings.chain()).toCompletableFuture()
          .get(settings.walletsTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalletsUnavailable(e);
    } catch (Exception e) {
      throw new WalletsUnavailable(e);
    }
  }

  private CompletionStage<WatcherCommand> tellAdvanced(Checkpoint checkpoint, Advanced scan) {
    long tip = scan.tip();
    log.debug("{}: read up to block {} (head {}) on {}: {} new transfers, final {}", settings.chain(), tip,
        scan.head(), EndpointPool.redact(scan.endpoint()), scan.transfers().size(), scan.finalKeys());
    return observeAll(scan.transfers(), tip).thenCompose(detected -> {
      List<PendingTransfer> all = new ArrayList<>(checkpoint.pending());
      all.addAll(detected);
      Set<TransferKey> stillPending = new HashSet<>();
      all.forEach(p -> stillPending.add(p.transfer().key()));
      finalsTold.keySet().retainAll(stillPending);
      List<CompletableFuture<TransferKey>> finals = new ArrayList<>();
      List<CompletableFuture<?>> updates = new ArrayList<>();
      for (PendingTransfer p : all) {
        int confirmations = Confirmations.count(tip, p.transfer().blockNumber());
        if (scan.finalKeys().contains(p.transfer().key())) {
          finals.add(finalsTold.compute(p.transfer().key(), (key, told) ->
              told == null || told.isDone() && told.join() == null ? makeFinal(p, confirmations) : told));
        } else if (p.matched() && !scan.blocks().isEmpty()) {
          updates.add(matcher.updateConfirmations(p.invoiceId(), p.transfer().key(), confirmations)
              .toCompletableFuture()
              .exceptionally(e -> {
                log.debug("{}: confirmations of {} not updated: {}", settings.chain(), p.transfer().key(),
                    EndpointPool.describe(e));
                return null;
              }));
        }
      }
      // Bounded: a final the engine has not taken within engine-wait stays pending; a later cycle takes its answer.
      CompletableFuture<List<TransferKey>> taken = BoundedWait.answersWithin(finals, settings.engineWait());
      CompletableFuture<List<Object>> counted = BoundedWait.answersWithin(updates, settings.engineWait());
      return taken.thenCombine(counted, (keys, counts) -> {
        List<TransferKey> finalized = keys.stream().filter(k -> k != null).toList();
        if (finalized.size() < finals.size()) {
          log.info("{}: {} of {} final transfers not taken by the engine within {}; they stay pending",
              settings.chain(), finals.size() - finalized.size(), finals.size(), settings.engineWait());
        }
        WatcherEvent event = scan.blocks().isEmpty() && detected.isEmpty() && finalized.isEmpty()
            ? null
            : new BlocksScanned(scan.blocks(), detected, finalized, clock.instant());
        return new CycleDone(scan, event);
      });
    });
  }

  /**
   * The whole range at once: each wallet's ledger routes its transfers in chain order with one
   * persist, then the invoices are told, several at a time (see {@link PaymentMatcher#observeAll}).
   * Completes only when all of it is durable, so the checkpoint that follows never runs ahead of it.
   */
  private CompletionStage<List<PendingTransfer>> observeAll(List<Transfer> transfers, long tip) {
    if (transfers.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return matcher.observeAll(transfers, t -> Confirmations.count(tip, t.blockNumber())).thenApply(outcomes -> {
      List<PendingTransfer> detected = new ArrayList<>(outcomes.size());
      for (Observation outcome : outcomes) {
        Transfer t = outcome.transfer();
        switch (outcome) {
          case Observation.Recorded recorded -> detected.add(new PendingTransfer(t, recorded.route().invoiceId()));
          // The engine answered and said no: retrying would stall the chain on this one transfer.
          case Observation.Refused refused -> log.error("{}: the engine refused transfer {} ({} to {}, amount {}): {}",
              settings.chain(), t.key(), t.from(), t.to(), t.amount(), refused.reason());
        }
      }
      return detected;
    });
  }

  /** Completes with the key once the engine holds the transfer final, or null to try again next cycle. */
  private CompletableFuture<TransferKey> makeFinal(PendingTransfer p, int confirmations) {
    TransferKey key = p.transfer().key();
    CompletionStage<?> told = p.matched()
        ? matcher.confirm(p.invoiceId(), key, confirmations)
        : matcher.recordUnmatched(p.transfer());
    return told.toCompletableFuture().handle((ok, error) -> {
      if (error != null) {
        log.warn("{}: transfer {} is final at {} confirmations but the engine has not taken it yet: {}",
            settings.chain(), key, confirmations, EndpointPool.describe(error));
        return null;
      }
      log.info("{}: transfer {} final at {} confirmations{}", settings.chain(), key, confirmations,
          p.matched() ? ", invoice " + p.invoiceId() : ", unmatched");
      return key;
    });
  }

  private CompletionStage<WatcherCommand> tellReorganized(Checkpoint checkpoint, Reorganized reorg) {
    List<PendingTransfer> orphaned = checkpoint.pending().stream()
        .filter(p -> p.transfer().blockNumber() > reorg.ancestor()).toList();
    long depth = reorg.previousTip() - reorg.ancestor();
    if (reorg.deep()) {
      log.error("CRITICAL {}: reorganisation {} blocks deep (blocks after {} replaced, confirmation depth {}); "
          + "transfers already final there cannot be taken back", settings.chain(), depth, reorg.ancestor(),
          settings.confirmations());
    } else {
      log.warn("{}: reorganisation {} blocks deep, back to block {}; {} transfers left the chain",
          settings.chain(), depth, reorg.ancestor(), orphaned.size());
    }
    List<CompletableFuture<TransferKey>> reverts = orphaned.stream().map(p -> revert(p)).toList();
    return CompletableFuture.allOf(reverts.toArray(CompletableFuture[]::new)).thenApply(v ->
        new CycleDone(reorg, new ReorgRolledBack(reorg.ancestor(), reorg.previousTip(),
            reverts.stream().map(CompletableFuture::join).toList(), reorg.deep(), clock.instant())));
  }

  private CompletableFuture<TransferKey> revert(PendingTransfer p) {
    TransferKey key = p.transfer().key();
    if (!p.matched()) {
      return CompletableFuture.completedFuture(key);
    }
    return matcher.revert(p.invoiceId(), key).toCompletableFuture().handle((ok, error) -> {
      if (error == null) {
        log.info("{}: transfer {} left the chain; invoice {} told", settings.chain(), key, p.invoiceId());
        return CompletableFuture.completedFuture(key);
      }
      if (isRefusal(error)) {
        log.error("CRITICAL {}: transfer {} left the chain but invoice {} refused the reversal: {}",
            settings.chain(), key, p.invoiceId(), EndpointPool.describe(error));
        return CompletableFuture.completedFuture(key);
      }
      return CompletableFuture.<TransferKey>failedFuture(error);
    }).thenCompose(f -> f);
  }

  private static boolean isRefusal(Throwable error) {
    return Failures.cause(error) instanceof StatusReply.ErrorMessage;
  }
}
