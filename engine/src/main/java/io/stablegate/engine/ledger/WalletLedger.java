package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.ledger.WalletLedgerCommand.AllocateRemainder;
import io.stablegate.engine.ledger.WalletLedgerCommand.Attach;
import io.stablegate.engine.ledger.WalletLedgerCommand.CompletionEnded;
import io.stablegate.engine.ledger.WalletLedgerCommand.Dismiss;
import io.stablegate.engine.ledger.WalletLedgerCommand.FlushAllocations;
import io.stablegate.engine.ledger.WalletLedgerCommand.GetUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.GetWebhook;
import io.stablegate.engine.ledger.WalletLedgerCommand.MarkCredited;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordClaim;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordWebhookAttempt;
import io.stablegate.engine.ledger.WalletLedgerCommand.Release;
import io.stablegate.engine.ledger.WalletLedgerCommand.Resume;
import io.stablegate.engine.ledger.WalletLedgerCommand.RouteAll;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimAwaitingTransfer;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimRecorded;
import io.stablegate.engine.ledger.WalletLedgerEvent.LedgerWebhookAttempted;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountAllocated;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountReleased;
import io.stablegate.engine.ledger.WalletLedgerEvent.TransferRouted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferAttached;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferCredited;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferDismissed;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.ledger.WalletLedgerState.RoutedTransfer;
import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The ledger of one wallet on one chain, {@code <CHAIN>:<address>}. It hands out payAmounts that
 * are unique among the wallet's open invoices (the amount plus the smallest free 0.0001 step), keeps
 * each reserved until the invoice is paid or the late-payment window after expiry or cancellation
 * has passed, and says which invoice an observed transfer pays. Being one actor per wallet is what
 * makes allocation race-free.
 */
public final class WalletLedger
    extends EventSourcedBehaviorWithEnforcedReplies<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> {
  private static final Logger log = LoggerFactory.getLogger(WalletLedger.class);

  public static final EntityTypeKey<WalletLedgerCommand> ENTITY_KEY =
      EntityTypeKey.create(WalletLedgerCommand.class, "WalletLedger");

  /**
   * The ledgers of test invoices (test mode): the same behaviour for the same wallets, apart from the
   * live ones, so that a chain transfer (always routed by the live ledger) never reaches a test invoice
   * and a simulated one never reaches a live invoice. Their events have no tags (no read table, no
   * {@code transfer.unmatched} webhook).
   */
  public static final EntityTypeKey<WalletLedgerCommand> TEST_ENTITY_KEY =
      EntityTypeKey.create(WalletLedgerCommand.class, "TestWalletLedger");

  /** The entity type of the ledgers of live invoices, or of test invoices when not {@code livemode}. */
  public static EntityTypeKey<WalletLedgerCommand> key(boolean livemode) {
    return livemode ? ENTITY_KEY : TEST_ENTITY_KEY;
  }

  /** Without webhook delivery nor completion of interrupted attaches (tests of other parts). */
  public static void init(ActorSystem<?> system, Clock clock) {
    init(system, clock, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Both entity types: live ledgers with {@code couriers} and {@code attaches}, test ledgers with
   * {@code testAttaches} and no couriers.
   */
  public static void init(ActorSystem<?> system, Clock clock, Optional<UnmatchedTransferCourier> couriers,
      Optional<AttachCompletion> attaches, Optional<AttachCompletion> testAttaches) {
    LedgerSettings settings = LedgerSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        ctx -> create(ENTITY_KEY, ctx.getEntityId(), settings, clock, couriers, attaches)));
    ClusterSharding.get(system).init(Entity.of(TEST_ENTITY_KEY,
        ctx -> create(TEST_ENTITY_KEY, ctx.getEntityId(), settings, clock, Optional.empty(), testAttaches)));
  }

  /**
   * The projection tags of the ledgers' unmatched transfers, one per projection slice
   * ({@code stablegate.ledger.tag-count}): what the read-side projection of unmatched transfers consumes.
   */
  public static List<String> tags(ActorSystem<?> system) {
    return LedgerSettings.fromConfig(system.settings().config()).tags();
  }

  /**
   * The entity id of the USDT ledger of {@code address} (canonical form) on {@code chain}. Not {@code |}:
   * Pekko reserves it as the separator of persistence ids and refuses an entity id containing it.
   */
  public static String entityId(Chain chain, String address) {
    return chain.name() + ":" + address;
  }

  /**
   * The entity id of the ledger of {@code token} on the wallet: payAmounts are unique per chain, token
   * and wallet. USDT keeps the id it had before tokens ({@code CHAIN:address}), so existing journals
   * are its ledgers; another token's is {@code CHAIN:TOKEN:address}.
   */
  public static String entityId(Chain chain, Token token, String address) {
    return token == Token.USDT ? entityId(chain, address) : chain.name() + ":" + token.name() + ":" + address;
  }

  /** The token of a ledger's entity id. */
  public static Token tokenOf(String entityId) {
    int first = entityId.indexOf(':');
    int last = entityId.lastIndexOf(':');
    return first == last ? Token.USDT : Token.valueOf(entityId.substring(first + 1, last));
  }

  public static Behavior<WalletLedgerCommand> create(String entityId, LedgerSettings settings, Clock clock) {
    return create(ENTITY_KEY, entityId, settings, clock, Optional.empty(), Optional.empty());
  }

  public static Behavior<WalletLedgerCommand> create(EntityTypeKey<WalletLedgerCommand> type, String entityId,
      LedgerSettings settings, Clock clock, Optional<UnmatchedTransferCourier> couriers,
      Optional<AttachCompletion> attaches) {
    return Behaviors.setup(context -> new WalletLedger(type, entityId, settings, clock, context, couriers, attaches));
  }

  /** The chain of a ledger's entity id. */
  public static Chain chainOf(String entityId) {
    return Chain.valueOf(entityId.substring(0, entityId.indexOf(':')));
  }

  /** The wallet address of a ledger's entity id. */
  public static String addressOf(String entityId) {
    return entityId.substring(entityId.lastIndexOf(':') + 1);
  }

  private final String entityId;
  private final boolean livemode;
  private final LedgerSettings settings;
  private final Clock clock;
  private final ActorContext<WalletLedgerCommand> context;
  private final Optional<UnmatchedTransferCourier> couriers;
  private final Optional<AttachCompletion> attaches;
  /** Attaches being completed now (not state: only which completions this incarnation has started). */
  private final Set<String> completing = new HashSet<>();
  /**
   * Allocations decided but not yet written, by invoice (not state: they become state when
   * {@link FlushAllocations} persists them, all in one write, and only then are their callers answered).
   */
  private final Map<UUID, PendingAllocation> pending = new LinkedHashMap<>();
  private boolean flushScheduled;
  /** The sequence number of this incarnation's latest snapshot (after recovery: of the last event replayed). */
  private long lastSnapshotAt;

  /** An allocation waiting for the next write, and who waits for its payAmount. */
  private record PendingAllocation(PayAmountAllocated event, List<ActorRef<StatusReply<PayAmount>>> callers) {}

  private WalletLedger(EntityTypeKey<WalletLedgerCommand> type, String entityId, LedgerSettings settings, Clock clock,
      ActorContext<WalletLedgerCommand> context, Optional<UnmatchedTransferCourier> couriers,
      Optional<AttachCompletion> attaches) {
    super(PersistenceId.of(type.name(), entityId));
    this.entityId = entityId;
    this.livemode = type.equals(ENTITY_KEY);
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.couriers = couriers;
    this.attaches = attaches;
  }

  @Override
  public WalletLedgerState emptyState() {
    return new WalletLedgerState(settings.routedTransferRetention());
  }

  /**
   * Snapshots every {@link #MAX_SNAPSHOT_INTERVAL_FACTOR} × {@code snapshot-every} events, which also
   * deletes the snapshots older than the two latest of those; {@link #shouldSnapshot} adds the ones in
   * between.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(maxSnapshotInterval(settings), 2);
  }

  /**
   * A snapshot holds every open slot, so its cost grows with the wallet while the replay it saves does
   * not: a ledger snapshots once the events since its last snapshot reach {@link #snapshotInterval}
   * (every {@code snapshot-every} events for a wallet of up to 100 × that many open slots, then 1 % of its
   * open slots), so that a snapshot costs at most about 100 slots per event up to 100,000 open slots,
   * and recovery replays at most 10 × {@code snapshot-every} events.
   */
  @Override
  public boolean shouldSnapshot(WalletLedgerState state, WalletLedgerEvent event, long sequenceNr) {
    long sinceCountSnapshot = sequenceNr % maxSnapshotInterval(settings);
    long since = Math.min(sinceCountSnapshot, sequenceNr - lastSnapshotAt);
    if (since >= snapshotInterval(settings, state.slotCount())) {
      lastSnapshotAt = sequenceNr;
      return true;
    }
    return false;
  }

  /** The most events between two snapshots, as a multiple of {@code snapshot-every}. */
  static final int MAX_SNAPSHOT_INTERVAL_FACTOR = 10;

  static int maxSnapshotInterval(LedgerSettings settings) {
    return MAX_SNAPSHOT_INTERVAL_FACTOR * settings.snapshotEvery();
  }

  /** Events between two snapshots of a ledger holding {@code slots} slots. */
  static long snapshotInterval(LedgerSettings settings, int slots) {
    return Math.min(maxSnapshotInterval(settings), Math.max(settings.snapshotEvery(), slots / 100));
  }

  @Override
  public SnapshotAdapter<WalletLedgerState> snapshotAdapter() {
    return new LedgerSnapshotAdapter(settings.routedTransferRetention());
  }

  /**
   * Stores a {@link WalletLedgerState.PackedSnapshot}; reads it, or a {@link WalletLedgerState.Snapshot}
   * stored before packed snapshots.
   */
  static final class LedgerSnapshotAdapter implements SnapshotAdapter<WalletLedgerState> {
    private final Duration routedRetention;

    LedgerSnapshotAdapter(Duration routedRetention) {
      this.routedRetention = routedRetention;
    }

    @Override
    public Object toJournal(WalletLedgerState state) {
      return state.toPackedSnapshot();
    }

    @Override
    public WalletLedgerState fromJournal(Object from) {
      return WalletLedgerState.fromStored(from, routedRetention);
    }
  }

  /** Only unmatched transfers (and their webhook deliveries) of live ledgers feed read tables. */
  @Override
  public Set<String> tagsFor(WalletLedgerEvent event) {
    return livemode ? tagsFor(settings, entityId, event) : Set.of();
  }

  /** The tags of a ledger's event: only unmatched transfers and their deliveries have any. */
  public static Set<String> tagsFor(LedgerSettings settings, String entityId, WalletLedgerEvent event) {
    return switch (event) {
      case UnmatchedTransferRecorded e -> Set.of(settings.tagFor(entityId));
      case UnmatchedTransferAttached e -> Set.of(settings.tagFor(entityId));
      case UnmatchedTransferCredited e -> Set.of(settings.tagFor(entityId));
      case UnmatchedTransferDismissed e -> Set.of(settings.tagFor(entityId));
      case ClaimRecorded e -> Set.of(settings.tagFor(entityId));
      case LedgerWebhookAttempted e -> Set.of(settings.tagFor(entityId));
      default -> Set.of();
    };
  }

  @Override
  public SignalHandler<WalletLedgerState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          lastSnapshotAt = lastSequenceNumber(context);
          resumeWork(state);
        })
        .build();
  }

  @Override
  public EventHandler<WalletLedgerState, WalletLedgerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(WalletLedgerState::apply);
  }

  @Override
  public CommandHandlerWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Allocate.class, this::allocate)
        .onCommand(FlushAllocations.class, this::flushAllocations)
        .onCommand(Release.class, this::release)
        .onCommand(RouteAll.class, this::routeAll)
        .onCommand(RecordUnmatched.class, this::recordUnmatched)
        .onCommand(AllocateRemainder.class, this::allocateRemainder)
        .onCommand(GetUnmatched.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(
            state.unmatched(cmd.transfer().toString()).map(Resolution::done)
                .orElseGet(() -> Resolution.notFound(unknown(cmd.transfer()))))))
        .onCommand(RecordClaim.class, this::recordClaim)
        .onCommand(Attach.class, this::attach)
        .onCommand(MarkCredited.class, this::markCredited)
        .onCommand(Dismiss.class, this::dismiss)
        .onCommand(RecordWebhookAttempt.class, this::recordWebhookAttempt)
        .onCommand(GetWebhook.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.webhook(cmd.webhookEventId())
            .map(StatusReply::success)
            .orElseGet(() -> StatusReply.error("ledger " + entityId + " has no webhook event " + cmd.webhookEventId()))))
        .onCommand(CompletionEnded.class, (state, cmd) -> {
          completing.remove(cmd.transferKey());
          return Effect().noReply();
        })
        .onCommand(Resume.class, (state, cmd) -> Effect().none()
            .thenRun(this::resumeWork)
            .thenReply(cmd.replyTo(), s -> StatusReply.ack()))
        .build();
  }

  /**
   * Allocations are written in batches: the payAmount is decided against the state and the allocations
   * still waiting to be written, the caller is answered once the batch holding it is durable. The first
   * allocation of a batch sends the ledger {@link FlushAllocations}, which the mailbox delivers after
   * the allocations that were already waiting (those that arrived while the previous write was in
   * flight): one journal write for all of them instead of one after another.
   */
  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> allocate(WalletLedgerState state, Allocate cmd) {
    Optional<Slot> existing = state.slotOf(cmd.invoiceId());
    if (existing.isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new PayAmount(existing.get().payAmount())));
    }
    PendingAllocation waiting = pending.get(cmd.invoiceId());
    if (waiting != null) {
      waiting.callers().add(cmd.replyTo());
      return Effect().noReply();
    }
    Instant now = now();
    BigDecimal amount = Amounts.normalize(cmd.amount());
    for (int step = 0; step < settings.maxPayAmountSteps(); step++) {
      BigDecimal candidate = Amounts.normalize(
          amount.add(Amounts.PAY_AMOUNT_STEP.multiply(BigDecimal.valueOf(step))));
      if (state.reservedSlot(candidate, now).isEmpty() && !pendingPayAmount(candidate)) {
        Instant holdUntil = cmd.expiresAt().plus(settings.latePaymentWindow());
        PayAmountAllocated event = new PayAmountAllocated(cmd.invoiceId(), amount, candidate, holdUntil, now, null,
            cmd.tolerancePercent() == null || cmd.tolerancePercent().signum() == 0 ? null
                : Amounts.normalize(cmd.tolerancePercent()));
        pending.put(cmd.invoiceId(), new PendingAllocation(event, new ArrayList<>(List.of(cmd.replyTo()))));
        if (!flushScheduled) {
          flushScheduled = true;
          context.getSelf().tell(new FlushAllocations());
        }
        return Effect().noReply();
      }
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error(
        "all " + settings.maxPayAmountSteps() + " payAmounts for " + Amounts.format(amount)
            + " on this wallet are taken by open invoices; try another amount or wait"));
  }

  private boolean pendingPayAmount(BigDecimal payAmount) {
    for (PendingAllocation p : pending.values()) {
      if (p.event().payAmount().compareTo(payAmount) == 0) {
        return true;
      }
    }
    return false;
  }

  /** Writes the waiting allocations in one persist, then answers their callers. */
  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> flushAllocations(WalletLedgerState state,
      FlushAllocations cmd) {
    flushScheduled = false;
    if (pending.isEmpty()) {
      return Effect().noReply();
    }
    List<PendingAllocation> batch = List.copyOf(pending.values());
    pending.clear();
    List<WalletLedgerEvent> events = batch.stream().<WalletLedgerEvent>map(PendingAllocation::event).toList();
    return Effect().persist(events)
        .thenRun(s -> batch.forEach(p -> p.callers().forEach(caller ->
            caller.tell(StatusReply.success(new PayAmount(p.event().payAmount()))))))
        .thenNoReply();
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> release(WalletLedgerState state, Release cmd) {
    PendingAllocation unwritten = pending.remove(cmd.invoiceId());
    if (unwritten != null) { // released before its allocation was written: it never will be
      unwritten.callers().forEach(caller -> caller.tell(StatusReply.error(
          "invoice " + cmd.invoiceId() + " was released before its payAmount was reserved")));
    }
    Optional<Slot> slot = state.slotOf(cmd.invoiceId());
    if (slot.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    Instant now = now();
    Instant holdUntil = switch (cmd.reason()) {
      case PAID, NOT_CREATED -> null;
      case CANCELLED -> earliest(slot.get().holdUntil(), now.plus(settings.latePaymentWindow()));
    };
    if (holdUntil != null && holdUntil.equals(slot.get().holdUntil())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new PayAmountReleased(cmd.invoiceId(), slot.get().payAmount(), cmd.reason(), holdUntil, now))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * Routing does not change the slots, so every transfer of the batch is decided against the state
   * as it stands; only a transfer repeated within the batch must get its first answer again.
   */
  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> routeAll(WalletLedgerState state, RouteAll cmd) {
    Instant now = now();
    Map<String, TransferRoute> decidedNow = new HashMap<>();
    List<TransferRoute> routes = new ArrayList<>(cmd.transfers().size());
    List<WalletLedgerEvent> events = new ArrayList<>();
    for (Transfer transfer : cmd.transfers()) {
      String key = transfer.key().toString();
      TransferRoute route = decidedNow.get(key);
      if (route == null) {
        route = state.routed(key).map(r -> routeOf(r, state)).orElse(null);
      }
      if (route == null) {
        route = decideRoute(state, transfer);
        decidedNow.put(key, route);
        events.add(routed(transfer, route, now));
      }
      routes.add(route);
    }
    TransferRoutes reply = new TransferRoutes(routes);
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(reply));
    }
    return Effect().persist(events).thenReply(cmd.replyTo(), s -> StatusReply.success(reply));
  }

  /**
   * Exactly a reserved payAmount: that invoice. Otherwise the tolerance windows: exactly one holding
   * it, that invoice ({@code TOLERANCE}); two or more, none, with them as candidates.
   */
  private TransferRoute decideRoute(WalletLedgerState state, Transfer transfer) {
    Optional<Slot> exact = state.reservedSlot(transfer.amount(), transfer.blockTime())
        .filter(s -> !transfer.blockTime().isBefore(s.allocatedAt().minus(settings.clockSkewTolerance())));
    if (exact.isPresent()) {
      return new TransferRoute(exact.get().invoiceId(), PaymentSource.MATCHED, List.of());
    }
    List<Slot> windows = state.toleranceWindowsHolding(transfer.amount(), transfer.blockTime(),
        settings.clockSkewTolerance());
    if (windows.size() == 1) {
      return new TransferRoute(windows.get(0).invoiceId(), PaymentSource.TOLERANCE, List.of());
    }
    return new TransferRoute(null, null, windows.stream().map(Slot::invoiceId).toList());
  }

  private static TransferRouted routed(Transfer transfer, TransferRoute route, Instant at) {
    return new TransferRouted(transfer, route.invoiceId(), at,
        route.source() == PaymentSource.MATCHED ? null : route.source(),
        route.candidates().isEmpty() ? null : route.candidates());
  }

  /** The route given before, with its source as the slot that took it implies. */
  private static TransferRoute routeOf(RoutedTransfer routed, WalletLedgerState state) {
    if (routed.invoiceId() == null) {
      return new TransferRoute(null, null, routed.candidates());
    }
    return new TransferRoute(routed.invoiceId(), routed.source(), List.of());
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> recordUnmatched(WalletLedgerState state, RecordUnmatched cmd) {
    Optional<RoutedTransfer> before = state.routed(cmd.transfer().key().toString());
    if (before.isPresent() && before.get().invoiceId() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "transfer " + cmd.transfer().key() + " pays invoice " + before.get().invoiceId()));
    }
    if (before.isPresent() && before.get().recordedUnmatched()) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    List<UUID> candidates = before.map(RoutedTransfer::candidates).orElse(List.of());
    // Claims made while the transfer was not final are recorded on it now, with their own time.
    List<WalletLedgerEvent> events = new ArrayList<>();
    events.add(new UnmatchedTransferRecorded(cmd.transfer(), now(), candidates.isEmpty() ? null : candidates,
        UUID.randomUUID()));
    state.awaitingClaims(cmd.transfer().key().toString())
        .forEach(c -> events.add(new ClaimRecorded(cmd.transfer().key(), c.invoiceId(), c.at())));
    return Effect()
        .persist(events)
        .thenRun(this::superviseDeliveries)
        .thenReply(cmd.replyTo(), s -> StatusReply.<Done>ack());
  }

  /**
   * A payer's claim. An attached transfer, or one routed to an invoice, answers with that invoice; an
   * open or dismissed unmatched transfer gets the claim recorded on it (the merchant sees it under
   * its state); any other is kept awaiting the transfer. Once per (transfer, invoice).
   */
  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> recordClaim(WalletLedgerState state, RecordClaim cmd) {
    String key = cmd.transfer().toString();
    Optional<UnmatchedTransfer> kept = state.unmatched(key);
    if (kept.isPresent()) {
      UnmatchedTransfer u = kept.get();
      if (u.state() == UnmatchedTransfer.State.ATTACHED) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(ClaimOutcome.paysInvoice(u.invoiceId())));
      }
      if (u.claims().stream().anyMatch(c -> c.invoiceId().equals(cmd.invoiceId()))) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(ClaimOutcome.recorded()));
      }
      return Effect().persist(new ClaimRecorded(cmd.transfer(), cmd.invoiceId(), now()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(ClaimOutcome.recorded()));
    }
    Optional<RoutedTransfer> route = state.routed(key);
    if (route.isPresent() && route.get().invoiceId() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(ClaimOutcome.paysInvoice(route.get().invoiceId())));
    }
    if (state.awaitingClaims(key).stream().anyMatch(c -> c.invoiceId().equals(cmd.invoiceId()))) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(ClaimOutcome.awaitingTransfer()));
    }
    return Effect().persist(new ClaimAwaitingTransfer(cmd.transfer(), cmd.invoiceId(), now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(ClaimOutcome.awaitingTransfer()));
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> allocateRemainder(WalletLedgerState state,
      AllocateRemainder cmd) {
    BigDecimal remainder = Amounts.normalize(cmd.remainder());
    Optional<Slot> current = state.slotOf(cmd.invoiceId());
    if (current.isPresent() && current.get().due().compareTo(remainder) == 0) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new PayAmount(current.get().payAmount())));
    }
    Instant now = now();
    BigDecimal tolerance = current.map(Slot::tolerancePercent).orElse(null);
    for (int step = 0; step < settings.maxPayAmountSteps(); step++) {
      BigDecimal candidate = Amounts.normalize(
          remainder.add(Amounts.PAY_AMOUNT_STEP.multiply(BigDecimal.valueOf(step))));
      if (state.reservedSlot(candidate, now).filter(s -> !s.invoiceId().equals(cmd.invoiceId())).isEmpty()
          && !pendingPayAmount(candidate)) {
        Instant holdUntil = cmd.expiresAt().plus(settings.latePaymentWindow());
        return Effect()
            .persist(new PayAmountAllocated(cmd.invoiceId(), remainder, candidate, holdUntil, now, remainder, tolerance))
            .thenReply(cmd.replyTo(), s -> StatusReply.success(new PayAmount(candidate)));
      }
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error(
        "all " + settings.maxPayAmountSteps() + " payAmounts for the remainder " + Amounts.format(remainder)
            + " on this wallet are taken by open invoices"));
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> attach(WalletLedgerState state, Attach cmd) {
    Optional<UnmatchedTransfer> found = state.unmatched(cmd.transfer().toString());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Resolution.notFound(unknown(cmd.transfer()))));
    }
    UnmatchedTransfer u = found.get();
    return switch (u.state()) {
      case OPEN -> Effect()
          .persist(new UnmatchedTransferAttached(cmd.transfer(), cmd.invoiceId(), cmd.requestId(), cmd.attachedBy(),
              now()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(
              Resolution.done(s.unmatched(cmd.transfer().toString()).orElseThrow())));
      case ATTACHED -> {
        boolean sameRequest = cmd.requestId().equals(u.requestId());
        boolean unfinished = u.awaitingCredit() && cmd.invoiceId().equals(u.invoiceId());
        yield Effect().reply(cmd.replyTo(), StatusReply.success(sameRequest || unfinished
            ? Resolution.done(u)
            : Resolution.conflict(u, "transfer " + cmd.transfer() + " is already attached to invoice "
                + u.invoiceId())));
      }
      case DISMISSED -> Effect().reply(cmd.replyTo(), StatusReply.success(
          Resolution.conflict(u, "transfer " + cmd.transfer() + " was dismissed")));
    };
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> markCredited(WalletLedgerState state, MarkCredited cmd) {
    Optional<UnmatchedTransfer> found = state.unmatched(cmd.transfer().toString());
    if (found.isEmpty() || !found.get().awaitingCredit() || !cmd.invoiceId().equals(found.get().invoiceId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new UnmatchedTransferCredited(cmd.transfer(), cmd.invoiceId(), now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> dismiss(WalletLedgerState state, Dismiss cmd) {
    Optional<UnmatchedTransfer> found = state.unmatched(cmd.transfer().toString());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Resolution.notFound(unknown(cmd.transfer()))));
    }
    UnmatchedTransfer u = found.get();
    if (u.state() == UnmatchedTransfer.State.OPEN) {
      return Effect()
          .persist(new UnmatchedTransferDismissed(cmd.transfer(), cmd.note(), cmd.requestId(), cmd.dismissedBy(), now()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(
              Resolution.done(s.unmatched(cmd.transfer().toString()).orElseThrow())));
    }
    if (u.state() == UnmatchedTransfer.State.DISMISSED && cmd.requestId().equals(u.requestId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Resolution.done(u)));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(Resolution.conflict(u, "transfer " + cmd.transfer()
        + (u.state() == UnmatchedTransfer.State.DISMISSED ? " was dismissed already"
            : " is attached to invoice " + u.invoiceId()))));
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> recordWebhookAttempt(WalletLedgerState state,
      RecordWebhookAttempt cmd) {
    Optional<LedgerWebhook> found = state.webhook(cmd.webhookEventId());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("ledger " + entityId + " has no webhook event " + cmd.webhookEventId()));
    }
    LedgerWebhook delivery = found.get();
    if (!delivery.isPending() || cmd.attempt() != delivery.attempts() + 1) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(delivery));
    }
    Instant now = now();
    LedgerWebhook.Attempt result = cmd.result();
    List<Duration> schedule = couriers.map(UnmatchedTransferCourier::retrySchedule).orElse(List.of());
    double jitter = couriers.map(UnmatchedTransferCourier::jitter).orElse(0.0);
    LedgerWebhook.Status outcome;
    Instant nextAttemptAt = null;
    switch (result.verdict()) {
      case DELIVERED -> outcome = LedgerWebhook.Status.DELIVERED;
      case GONE -> outcome = LedgerWebhook.Status.FAILED;
      default -> {
        if (delivery.scheduleIndex() >= schedule.size()) {
          outcome = LedgerWebhook.Status.FAILED;
        } else {
          outcome = LedgerWebhook.Status.PENDING;
          // drawn here and persisted, so that replay agrees
          Duration delay = schedule.get(delivery.scheduleIndex());
          double factor = 1 + ThreadLocalRandom.current().nextDouble() * jitter;
          nextAttemptAt = now.plus(Duration.ofMillis(Math.round(delay.toMillis() * factor)));
        }
      }
    }
    return Effect()
        .persist(new LedgerWebhookAttempted(cmd.webhookEventId(), cmd.attempt(),
            result.attemptedAt().truncatedTo(ChronoUnit.MILLIS), result.statusCode(), result.error(),
            result.durationMs(), outcome, nextAttemptAt, now))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.webhook(cmd.webhookEventId()).orElseThrow()));
  }

  /** After recovery and on the sweeper's {@link Resume}: pending deliveries and unfinished attaches. */
  private void resumeWork(WalletLedgerState state) {
    superviseDeliveries(state);
    if (attaches.isEmpty()) {
      return;
    }
    for (UnmatchedTransfer u : state.unmatchedTransfers()) {
      String key = u.transfer().key().toString();
      if (u.awaitingCredit() && completing.add(key)) {
        attaches.get().complete(entityId, u).whenComplete((done, error) -> {
          if (error != null) {
            log.warn("Ledger {}: could not complete the attach of {} to invoice {} yet: {}", entityId, key,
                u.invoiceId(), error.toString());
          }
          context.getSelf().tell(new CompletionEnded(key));
        });
      }
    }
  }

  /** One courier per pending webhook event; those running are left alone. */
  private void superviseDeliveries(WalletLedgerState state) {
    if (couriers.isEmpty()) {
      return;
    }
    for (LedgerWebhook delivery : state.pendingWebhooks()) {
      String name = "webhook-" + delivery.eventId();
      if (context.getChild(name).isEmpty()) {
        context.spawn(couriers.get().deliver(context.getSelf(), entityId, delivery.eventId()), name);
      }
    }
  }

  private static String unknown(TransferKey key) {
    return "no unmatched transfer " + key + " on this wallet";
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
