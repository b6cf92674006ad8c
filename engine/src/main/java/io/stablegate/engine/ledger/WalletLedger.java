package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.Release;
import io.stablegate.engine.ledger.WalletLedgerCommand.RouteAll;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountAllocated;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountReleased;
import io.stablegate.engine.ledger.WalletLedgerEvent.TransferRouted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.ledger.WalletLedgerState.RoutedTransfer;
import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
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

  public static final EntityTypeKey<WalletLedgerCommand> ENTITY_KEY =
      EntityTypeKey.create(WalletLedgerCommand.class, "WalletLedger");

  public static void init(ActorSystem<?> system, Clock clock) {
    LedgerSettings settings = LedgerSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, clock)));
  }

  /**
   * The projection tags of the ledgers' unmatched transfers, one per projection slice
   * ({@code stablegate.ledger.tag-count}): what the read-side projection of unmatched transfers consumes.
   */
  public static List<String> tags(ActorSystem<?> system) {
    return LedgerSettings.fromConfig(system.settings().config()).tags();
  }

  /**
   * The entity id of the ledger of {@code address} (canonical form) on {@code chain}. Not {@code |}:
   * Pekko reserves it as the separator of persistence ids and refuses an entity id containing it.
   */
  public static String entityId(Chain chain, String address) {
    return chain.name() + ":" + address;
  }

  public static Behavior<WalletLedgerCommand> create(String entityId, LedgerSettings settings, Clock clock) {
    return new WalletLedger(entityId, settings, clock);
  }

  private final String entityId;
  private final LedgerSettings settings;
  private final Clock clock;

  private WalletLedger(String entityId, LedgerSettings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public WalletLedgerState emptyState() {
    return new WalletLedgerState(settings.routedTransferRetention());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<WalletLedgerState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(WalletLedgerState state) {
        return state.toSnapshot();
      }

      @Override
      public WalletLedgerState fromJournal(Object from) {
        return WalletLedgerState.fromSnapshot((WalletLedgerState.Snapshot) from, settings.routedTransferRetention());
      }
    };
  }

  /** Only unmatched transfers feed a read table. */
  @Override
  public Set<String> tagsFor(WalletLedgerEvent event) {
    return event instanceof UnmatchedTransferRecorded ? Set.of(settings.tagFor(entityId)) : Set.of();
  }

  @Override
  public EventHandler<WalletLedgerState, WalletLedgerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(WalletLedgerState::apply);
  }

  @Override
  public CommandHandlerWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Allocate.class, this::allocate)
        .onCommand(Release.class, this::release)
        .onCommand(RouteAll.class, this::routeAll)
        .onCommand(RecordUnmatched.class, this::recordUnmatched)
        .build();
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> allocate(WalletLedgerState state, Allocate cmd) {
    Optional<Slot> existing = state.slotOf(cmd.invoiceId());
    if (existing.isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new PayAmount(existing.get().payAmount())));
    }
    Instant now = now();
    BigDecimal amount = Amounts.normalize(cmd.amount());
    for (int step = 0; step < settings.maxPayAmountSteps(); step++) {
      BigDecimal candidate = Amounts.normalize(
          amount.add(Amounts.PAY_AMOUNT_STEP.multiply(BigDecimal.valueOf(step))));
      if (state.reservedSlot(candidate, now).isEmpty()) {
        Instant holdUntil = cmd.expiresAt().plus(settings.latePaymentWindow());
        return Effect()
            .persist(new PayAmountAllocated(cmd.invoiceId(), amount, candidate, holdUntil, now))
            .thenReply(cmd.replyTo(), s -> StatusReply.success(new PayAmount(candidate)));
      }
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error(
        "all " + settings.maxPayAmountSteps() + " payAmounts for " + Amounts.format(amount)
            + " on this wallet are taken by open invoices; try another amount or wait"));
  }

  private ReplyEffect<WalletLedgerEvent, WalletLedgerState> release(WalletLedgerState state, Release cmd) {
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
        route = state.routed(key).map(r -> new TransferRoute(r.invoiceId())).orElse(null);
      }
      if (route == null) {
        route = decideRoute(state, transfer);
        decidedNow.put(key, route);
        events.add(new TransferRouted(transfer, route.invoiceId(), now));
      }
      routes.add(route);
    }
    TransferRoutes reply = new TransferRoutes(routes);
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(reply));
    }
    return Effect().persist(events).thenReply(cmd.replyTo(), s -> StatusReply.success(reply));
  }

  private TransferRoute decideRoute(WalletLedgerState state, Transfer transfer) {
    return state.reservedSlot(transfer.amount(), transfer.blockTime())
        .filter(s -> !transfer.blockTime().isBefore(s.allocatedAt().minus(settings.clockSkewTolerance())))
        .map(s -> new TransferRoute(s.invoiceId()))
        .orElse(TransferRoute.unmatched());
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
    return Effect()
        .persist(new UnmatchedTransferRecorded(cmd.transfer(), now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.<Done>ack());
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
