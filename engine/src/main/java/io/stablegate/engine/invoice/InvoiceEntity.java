package io.stablegate.engine.invoice;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.InvoiceCommand.Cancel;
import io.stablegate.engine.invoice.InvoiceCommand.ConfirmPayment;
import io.stablegate.engine.invoice.InvoiceCommand.Create;
import io.stablegate.engine.invoice.InvoiceCommand.Expire;
import io.stablegate.engine.invoice.InvoiceCommand.Get;
import io.stablegate.engine.invoice.InvoiceCommand.RecordPayment;
import io.stablegate.engine.invoice.InvoiceCommand.RevertPayment;
import io.stablegate.engine.invoice.InvoiceCommand.UpdateConfirmations;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One invoice, sharded and event-sourced: the lifecycle of CONTRACT §3. Commands are checked here;
 * state changes happen only in {@link InvoiceState#apply}. Refusals are {@link StatusReply#error}
 * values and persist nothing.
 */
public final class InvoiceEntity
    extends EventSourcedBehaviorWithEnforcedReplies<InvoiceCommand, InvoiceEvent, InvoiceState> {

  public static final EntityTypeKey<InvoiceCommand> ENTITY_KEY =
      EntityTypeKey.create(InvoiceCommand.class, "Invoice");

  public static void init(ActorSystem<?> system, Clock clock) {
    InvoiceSettings settings = InvoiceSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_KEY, ctx -> create(UUID.fromString(ctx.getEntityId()), settings, clock)));
  }

  public static Behavior<InvoiceCommand> create(UUID invoiceId, InvoiceSettings settings, Clock clock) {
    return new InvoiceEntity(invoiceId, settings, clock);
  }

  private final UUID invoiceId;
  private final InvoiceSettings settings;
  private final Clock clock;

  private InvoiceEntity(UUID invoiceId, InvoiceSettings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), invoiceId.toString()));
    this.invoiceId = invoiceId;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public InvoiceState emptyState() {
    return new InvoiceState.Empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
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
        .onCommand(UpdateConfirmations.class, this::updateConfirmations)
        .onCommand(ConfirmPayment.class, this::confirmPayment)
        .onCommand(RevertPayment.class, this::revertPayment);
    return builder.build();
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> create(InvoiceState.Empty state, Create cmd) {
    InvoiceDraft d = cmd.draft();
    InvoiceCreated created = new InvoiceCreated(invoiceId, d.merchantId(), d.chain(), d.address(),
        d.amount(), d.payAmount(), d.orderId(), d.description(), d.metadataJson(), d.expiresAt(),
        d.requiredConfirmations(), now(), state.lastHash());
    return persistAndReply(created, cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> createAgain(Invoice state, Create cmd) {
    if (state.draft().equals(cmd.draft())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error("invoice " + invoiceId + " already exists"));
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> cancel(Invoice state, Cancel cmd) {
    if (state.status() != InvoiceStatus.PENDING) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("only a PENDING invoice can be cancelled; this one is " + state.status()));
    }
    return persistAndReply(new InvoiceCancelled(invoiceId, UUID.randomUUID(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> expire(Invoice state, Expire cmd) {
    // Due-ness is judged on the untruncated clock: expiresAt may carry sub-millisecond digits, and a
    // truncated "now" would keep the invoice PENDING for up to a millisecond after it is due.
    if (state.status() != InvoiceStatus.PENDING || clock.instant().isBefore(state.expiresAt())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return persistAndReply(new InvoiceExpired(invoiceId, UUID.randomUUID(), now(), state.lastHash()), cmd);
  }

  private ReplyEffect<InvoiceEvent, InvoiceState> recordPayment(Invoice state, RecordPayment cmd) {
    Transfer t = cmd.transfer();
    if (state.payment(t.key()).isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (t.chain() != state.chain() || !t.to().equals(state.address())
        || t.amount().compareTo(state.payAmount()) != 0) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "transfer " + t.key() + " does not pay invoice " + invoiceId + " (chain, address or amount differ)"));
    }
    return persistAndReply(
        new PaymentDetected(invoiceId, t, cmd.confirmations(), UUID.randomUUID(), now(), state.lastHash()), cmd);
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
    if (state.status() == InvoiceStatus.PAID
        || afterConfirmed.amountPaid().compareTo(state.payAmount()) < 0) {
      return persistAndReply(confirmed, cmd);
    }
    boolean late = state.status() == InvoiceStatus.EXPIRED || state.status() == InvoiceStatus.CANCELLED;
    InvoicePaid paid = new InvoicePaid(invoiceId, afterConfirmed.amountPaid(), late, UUID.randomUUID(), now,
        afterConfirmed.lastHash());
    return Effect().persist(List.of(confirmed, paid))
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

  private ReplyEffect<InvoiceEvent, InvoiceState> persistAndReply(InvoiceEvent event, InvoiceCommand cmd) {
    return Effect().persist(event).thenReply(cmd.replyTo(), s -> StatusReply.success((Invoice) s));
  }

  /** Milliseconds are what PostgreSQL and JSON keep; truncating here keeps every copy equal. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
