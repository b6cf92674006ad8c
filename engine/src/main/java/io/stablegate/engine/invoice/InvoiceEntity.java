package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.credit.Tolerance;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.InvoiceCommand.AttachPayment;
import io.stablegate.engine.invoice.InvoiceCommand.Cancel;
import io.stablegate.engine.invoice.InvoiceCommand.ConfirmPayment;
import io.stablegate.engine.invoice.InvoiceCommand.Create;
import io.stablegate.engine.invoice.InvoiceCommand.Expire;
import io.stablegate.engine.invoice.InvoiceCommand.Get;
import io.stablegate.engine.invoice.InvoiceCommand.RecordPayment;
import io.stablegate.engine.invoice.InvoiceCommand.RecordWebhookAttempt;
import io.stablegate.engine.invoice.InvoiceCommand.RedeliverWebhook;
import io.stablegate.engine.invoice.InvoiceCommand.ResumeWebhooks;
import io.stablegate.engine.invoice.InvoiceCommand.RevertPayment;
import io.stablegate.engine.invoice.InvoiceCommand.UpdateConfirmations;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceOverpaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePartiallyPaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentAttached;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookAttempted;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookRedeliveryRequested;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One invoice, sharded and event-sourced: the lifecycle of docs/api.md (Statuses). Commands are checked here;
 * state changes happen only in {@link InvoiceState#apply}. Refusals are {@link StatusReply#error}
 * values and persist nothing.
 *
 * <p>Each event the merchant hears about ({@link InvoiceEvent.NotifiesMerchant}) adds a pending
 * {@link WebhookDelivery} to the state; the entity runs one {@link WebhookCourier} child per
 * pending delivery (after the event, after recovery, on {@link ResumeWebhooks}) and persists every
 * attempt's outcome as a {@link WebhookAttempted} event, so a delivery survives passivation and node
 * loss with its id and its place in the retry schedule.
 */
public final class InvoiceEntity
    extends EventSourcedBehaviorWithEnforcedReplies<InvoiceCommand, InvoiceEvent, InvoiceState> {

  public static final EntityTypeKey<InvoiceCommand> ENTITY_KEY =
      EntityTypeKey.create(InvoiceCommand.class, "Invoice");

  /**
   * The projection tags of invoice events, one per projection slice ({@code stablegate.invoice.tag-count}):
   * what a read-side projection of invoices consumes. Every event of an invoice carries one of them.
   */
  public static List<String> tags(ActorSystem<?> system) {
    return InvoiceSettings.fromConfig(system.settings().config()).tags();
  }

  /** Starts the invoices' sharding on this node; each invoice delivers its webhooks through {@code couriers}. */
  public static void init(ActorSystem<?> system, Clock clock, WebhookCourier couriers) {
    InvoiceSettings settings = InvoiceSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        ctx -> create(UUID.fromString(ctx.getEntityId()), settings, clock, Optional.of(couriers))));
  }

  public static Behavior<InvoiceCommand> create(UUID invoiceId, InvoiceSettings settings, Clock clock) {
    return create(invoiceId, settings, clock, Optional.empty());
  }

  public static Behavior<InvoiceCommand> create(UUID invoiceId, InvoiceSettings settings, Clock clock,
      Optional<WebhookCourier> couriers) {
    return Behaviors.setup(context -> new InvoiceEntity(invoiceId, settings, clock, context, couriers));
  }

  private final UUID invoiceId;
  private final InvoiceSettings settings;
  private final Clock clock;
  private final ActorContext<InvoiceCommand> context;
  private final Optional<WebhookCourier> couriers;

  private InvoiceEntity(UUID invoiceId, InvoiceSettings settings, Clock clock, ActorContext<InvoiceCommand> context,
      Optional<WebhookCourier> couriers) {
    super(PersistenceId.of(ENTITY_KEY.name(), invoiceId.toString()));
    this.invoiceId = invoiceId;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.couriers = couriers;
  }

  @Override
  public InvoiceState emptyState() {
    return new InvoiceState.Empty();
  }

  /**
   * An invoice's journal is short (tens of events), so by default it takes no snapshots and does not
   * look for one on recovery: replaying its events costs less than the snapshot query every recovery,
   * including that of every brand-new invoice, would pay.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return settings.snapshotEvery() > 0
        ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        : RetentionCriteria.disabled();
  }

  @Override
  public Recovery recovery() {
    return settings.snapshotEvery() > 0
        ? super.recovery()
        : Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public Set<String> tagsFor(InvoiceEvent event) {
    return Set.of(settings.tagFor(invoiceId));
  }

  @Override
  public EventHandler<InvoiceState, InvoiceEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(InvoiceState::apply);
  }

  @Override
  public SignalHandler<InvoiceState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::superviseDeliveries)
        .build();
  }

  @Override
  public CommandHandlerWithReply<InvoiceCommand, InvoiceEvent, InvoiceState> commandHandler() {
    CommandHandlerWithReplyBuilder<InvoiceCommand, InvoiceEvent, InvoiceState> builder =
        newCommandHandlerWithReplyBuilder();
    builder.forStateType(InvoiceState.Empty.class)
        .onCommand(Create.class, this::create)
        .onAnyCommand(cmd -> Effect().reply(cmd.replyTo(), StatusReply.error("invoice not found")));
    builder.forStateType(Invoice.class)
        .onCommand(Create.class, this::createAgain)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .onCommand(Cancel.class, this::cancel)
        .onCommand(Expire.class, this::expire)
        .onCommand(RecordPayment.class, this::recordPayment)
        .onCommand(AttachPayment.class, this::attachPayment)
        .onCommand(UpdateConfirmations.class, this::updateConfirmations)
        .onCommand(ConfirmPayment.class, this::confirmPayment)
        .onCommand(RevertPayment.class, this::revertPayment)
        .onCommand(RecordWebhookAttempt.class, this::recordWebhookAttempt)
        .onCommand(InvoiceCommand.ResolveWebhookEndpoints.class, this::resolveWebhookEndpoints)
        .onCommand(ResumeWebhooks.class, (state, cmd) -> Effect().none()
            .thenRun(this::superviseDeliveries)
            .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s)))
        .onCommand(RedeliverWebhook.class, this::redeliverWebhook);
    return builder.build();
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> create(InvoiceState.Empty state, Create cmd) {
    return persistAndReply(InvoiceCreated.of(invoiceId, cmd.draft(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> createAgain(Invoice state, Create cmd) {
    if (state.draft().equals(cmd.draft())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error("invoice " + invoiceId + " already exists"));
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> cancel(Invoice state, Cancel cmd) {
    if (!state.status().canMoveTo(InvoiceStatus.CANCELLED)) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("only a PENDING invoice can be cancelled; this one is " + state.status()));
    }
    return persistAndReply(new InvoiceCancelled(invoiceId, UUID.randomUUID(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> expire(Invoice state, Expire cmd) {
    // Due-ness is judged on the untruncated clock: expiresAt may carry sub-millisecond digits, and a
    // truncated "now" would keep the invoice PENDING for up to a millisecond after it is due.
    if (!state.status().canMoveTo(InvoiceStatus.EXPIRED) || clock.instant().isBefore(state.expiresAt())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return persistAndReply(new InvoiceExpired(invoiceId, UUID.randomUUID(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> recordPayment(Invoice state, RecordPayment cmd) {
    Transfer t = cmd.transfer();
    if (state.payment(t.key()).isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    PaymentSource source = cmd.source() == null ? PaymentSource.MATCHED : cmd.source();
    boolean pays = switch (source) {
      case MATCHED -> t.amount().compareTo(state.payAmount()) == 0;
      case TOLERANCE -> Tolerance.inWindow(t.amount(), state.due(), state.underpaymentTolerancePercent());
      case ATTACHED -> false;
    };
    if (t.chain() != state.chain() || t.asset() != state.terms().token() || !t.to().equals(state.address()) || !pays) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "transfer " + t.key() + " does not pay invoice " + invoiceId + " (chain, token, address or amount differ)"));
    }
    return persistAndReply(new PaymentDetected(invoiceId, t, cmd.confirmations(), UUID.randomUUID(), now(),
        state.lastHash(), source == PaymentSource.MATCHED ? null : source), cmd);
  }

  /**
   * Credits an attached transfer (final already: only final transfers are kept as unmatched). The
   * credit rule decides ({@link CreditRule}); the events are the credit, then the status change.
   */
  private ReplyEffect<InvoiceEvent, InvoiceState> attachPayment(Invoice state, AttachPayment cmd) {
    Transfer t = cmd.transfer();
    if (state.payment(t.key()).isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (t.chain() != state.chain() || !t.to().equals(state.address())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "transfer " + t.key() + " went to " + t.chain() + " " + t.to() + ", not to invoice " + invoiceId + "'s address"));
    }
    if (t.asset() != state.terms().token()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "transfer " + t.key() + " is " + t.asset() + ", invoice " + invoiceId + " is in " + state.terms().token()));
    }
    if (cmd.attachedBy() == null || !state.merchantId().equals(cmd.attachedBy().merchantId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("an attach must name this invoice's merchant"));
    }
    CreditRule rule = CreditRule.of(state, t.amount());
    boolean needsPayAmount = rule.needsPayAmount(state);
    if (needsPayAmount && (cmd.remainderPayAmount() == null || cmd.remainder() == null
        || cmd.remainder().compareTo(rule.remainder()) != 0)) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(StaleAttach.MESSAGE));
    }
    Instant now = now();
    List<InvoiceEvent> events = new java.util.ArrayList<>();
    PaymentAttached attached = new PaymentAttached(invoiceId, t, cmd.attachedBy(), rule.remainder(), now,
        state.lastHash());
    events.add(attached);
    Invoice after = (Invoice) state.apply(attached);
    if (rule.covers()) {
      boolean wasPaid = state.status() == InvoiceStatus.PAID;
      if (!wasPaid) {
        boolean late = state.status() == InvoiceStatus.EXPIRED || state.status() == InvoiceStatus.CANCELLED;
        boolean underpaid = t.amount().compareTo(state.due()) < 0;
        InvoicePaid paid = new InvoicePaid(invoiceId, after.amountPaid(), late, UUID.randomUUID(), now,
            after.lastHash(), underpaid ? Boolean.TRUE : null);
        events.add(paid);
        after = (Invoice) after.apply(paid);
      }
      if (wasPaid || t.amount().compareTo(state.due()) > 0) {
        events.add(new InvoiceOverpaid(invoiceId, after.amountPaid(), UUID.randomUUID(), now, after.lastHash()));
      }
    } else if (needsPayAmount) {
      events.add(new InvoicePartiallyPaid(invoiceId, after.amountPaid(), rule.remainder(), cmd.remainderPayAmount(),
          UUID.randomUUID(), now, after.lastHash()));
    }
    return Effect().persist(events)
        .thenRun(this::superviseDeliveries)
        .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
  }

  /** The refusal of an attach planned against an older state of the invoice; the caller plans again. */
  public static final class StaleAttach {
    public static final String MESSAGE = "the invoice changed while the attach was planned; plan it again";

    private StaleAttach() {}
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> updateConfirmations(Invoice state, UpdateConfirmations cmd) {
    Optional<Payment> payment = state.payment(cmd.transfer());
    if (payment.isEmpty()) {
      return unknownPayment(cmd.transfer(), cmd);
    }
    if (payment.get().isFinal() || cmd.confirmations() <= payment.get().confirmations()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return persistAndReply(new PaymentConfirmationsUpdated(invoiceId, cmd.transfer().txHash(),
        cmd.transfer().logIndex(), cmd.confirmations(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> confirmPayment(Invoice state, ConfirmPayment cmd) {
    Optional<Payment> payment = state.payment(cmd.transfer());
    if (payment.isEmpty()) {
      return unknownPayment(cmd.transfer(), cmd);
    }
    if (payment.get().isFinal()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (cmd.confirmations() < state.requiredConfirmations()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("payment " + cmd.transfer() + " has "
          + cmd.confirmations() + " of " + state.requiredConfirmations() + " confirmations"));
    }
    Instant now = now();
    PaymentConfirmed confirmed = new PaymentConfirmed(invoiceId, cmd.transfer().txHash(),
        cmd.transfer().logIndex(), cmd.confirmations(), now, state.lastHash());
    Invoice afterConfirmed = (Invoice) state.apply(confirmed);
    BigDecimal c = payment.get().amount();
    if (state.status() == InvoiceStatus.PAID) {
      // a second payment to a paid invoice: credited, and the merchant told it is an overpayment
      InvoiceOverpaid overpaid = new InvoiceOverpaid(invoiceId, afterConfirmed.amountPaid(), UUID.randomUUID(), now,
          afterConfirmed.lastHash());
      return Effect().persist(List.of(confirmed, overpaid))
          .thenRun(this::superviseDeliveries)
          .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
    }
    if (!afterConfirmed.status().canMoveTo(InvoiceStatus.PAID)
        || !Tolerance.covers(c, state.due(), state.underpaymentTolerancePercent())) {
      return persistAndReply(confirmed, cmd);
    }
    boolean late = state.status() == InvoiceStatus.EXPIRED || state.status() == InvoiceStatus.CANCELLED;
    boolean underpaid = c.compareTo(state.due()) < 0;
    InvoicePaid paid = new InvoicePaid(invoiceId, afterConfirmed.amountPaid(), late, UUID.randomUUID(), now,
        afterConfirmed.lastHash(), underpaid ? Boolean.TRUE : null);
    return Effect().persist(List.of(confirmed, paid))
        .thenRun(this::superviseDeliveries)
        .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> revertPayment(Invoice state, RevertPayment cmd) {
    Optional<Payment> payment = state.payment(cmd.transfer());
    if (payment.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (payment.get().isFinal()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("payment " + cmd.transfer() + " is final and cannot be reverted"));
    }
    return persistAndReply(new PaymentReverted(invoiceId, cmd.transfer().txHash(), cmd.transfer().logIndex(),
        UUID.randomUUID(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> unknownPayment(TransferKey key, InvoiceCommand cmd) {
    return Effect().reply(cmd.replyTo(),
        StatusReply.error("invoice " + invoiceId + " has no payment " + key));
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> recordWebhookAttempt(Invoice state, RecordWebhookAttempt cmd) {
    Optional<WebhookDelivery> found = state.webhook(cmd.webhookEventId(), cmd.endpointId());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("invoice " + invoiceId + " has no webhook event "
          + cmd.webhookEventId() + " for endpoint " + cmd.endpointId()));
    }
    WebhookDelivery delivery = found.get();
    if (!delivery.isPending() || cmd.attempt() != delivery.attempts() + 1) {
      // a repeat (the delivery actor restarted after its attempt was recorded): nothing new
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    Instant now = now();
    WebhookAttempt result = cmd.result();
    WebhookRetrySettings retry = settings.webhookRetry();
    WebhookDelivery.Status outcome;
    Instant nextAttemptAt = null;
    switch (result.verdict()) {
      case DELIVERED -> outcome = WebhookDelivery.Status.DELIVERED;
      case GONE -> outcome = WebhookDelivery.Status.FAILED;
      default -> {
        if (delivery.scheduleIndex() >= retry.schedule().size()) {
          outcome = WebhookDelivery.Status.FAILED;
        } else {
          outcome = WebhookDelivery.Status.PENDING;
          nextAttemptAt = now.plus(jittered(retry.schedule().get(delivery.scheduleIndex()), retry.jitter()));
        }
      }
    }
    return persistAndReply(new WebhookAttempted(invoiceId, delivery.eventId(), cmd.attempt(),
        result.attemptedAt().truncatedTo(ChronoUnit.MILLIS), result.statusCode(), result.error(), result.durationMs(),
        outcome, nextAttemptAt, now, state.lastHash(), delivery.endpointId()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> resolveWebhookEndpoints(Invoice state,
      InvoiceCommand.ResolveWebhookEndpoints cmd) {
    Optional<WebhookDelivery> found = state.webhook(cmd.webhookEventId());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("invoice " + invoiceId + " has no webhook event " + cmd.webhookEventId()));
    }
    if (found.get().endpointsResolved()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    List<UUID> endpoints = cmd.endpointIds().stream().distinct()
        .filter(id -> !WebhookDelivery.DEFAULT_ENDPOINT.equals(id)).toList();
    return persistAndReply(new InvoiceEvent.WebhookEndpointsResolved(invoiceId, cmd.webhookEventId(), endpoints, now(),
        state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> redeliverWebhook(Invoice state, RedeliverWebhook cmd) {
    if (state.webhook(cmd.webhookEventId()).isEmpty()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("invoice " + invoiceId + " has no webhook event " + cmd.webhookEventId()));
    }
    return Effect().persist(new WebhookRedeliveryRequested(invoiceId, cmd.webhookEventId(), now(), state.lastHash()))
        .thenRun(s -> {
          // couriers already waiting for their old slot must look again
          ((Invoice) s).webhooks().stream().filter(w -> w.eventId().equals(cmd.webhookEventId()))
              .forEach(w -> context.getChild(courierName(w))
                  .ifPresent(child -> child.<WebhookCourier.Message>unsafeUpcast().tell(WebhookCourier.Reload.INSTANCE)));
          superviseDeliveries(s);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
  }

  /** One courier per pending delivery; those already running are left alone. */
  private void superviseDeliveries(InvoiceState state) {
    if (couriers.isEmpty() || !(state instanceof Invoice invoice)) {
      return;
    }
    for (WebhookDelivery delivery : invoice.webhooks()) {
      String name = courierName(delivery);
      if (delivery.isPending() && context.getChild(name).isEmpty()) {
        context.spawn(couriers.get().deliver(context.getSelf(), invoiceId, invoice.merchantId(), delivery.eventId(),
            delivery.endpointId()), name);
      }
    }
  }

  private static String courierName(WebhookDelivery delivery) {
    return delivery.isDefaultEndpoint()
        ? "webhook-" + delivery.eventId()
        : "webhook-" + delivery.eventId() + "-" + delivery.endpointId();
  }

  /** The schedule's delay stretched by up to {@code jitter}; drawn here and persisted, so replay agrees. */
  private static Duration jittered(Duration delay, double jitter) {
    double factor = 1 + ThreadLocalRandom.current().nextDouble() * jitter;
    return Duration.ofMillis(Math.round(delay.toMillis() * factor));
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> persistAndReply(InvoiceEvent event, InvoiceCommand cmd) {
    return Effect().persist(event)
        .thenRun(this::superviseDeliveries)
        .thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
  }

  /** Milliseconds are what PostgreSQL and JSON keep; truncating here keeps every copy equal. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
