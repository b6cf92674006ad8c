package io.stablegate.engine.payment;

import com.typesafe.config.Config;
import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.Failures;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.ledger.ReleaseReason;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.ledger.TransferRoutes;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What a chain watcher tells the engine, as one call per fact. Every call is idempotent, so a
 * watcher that is unsure whether a call landed (a timeout, a restart) simply makes it again.
 */
public final class PaymentMatcher {

  /**
   * From {@code stablegate.ledger}.
   *
   * @param routeBatchSize at most this many transfers in one {@link WalletLedgerCommand.RouteAll}
   *     (one message, one atomic write; kept well under the remoting frame size)
   * @param parallelism at most this many wallet ledgers, and separately this many invoices, asked at once by one batch
   */
  public record Settings(int routeBatchSize, int parallelism) {
    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("stablegate.ledger");
      return new Settings(c.getInt("route-batch-size"), c.getInt("match-parallelism"));
    }
  }

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final EngineSettings settings;
  private final Settings batching;
  private final InvoiceService invoices;
  private final EntityTypeKey<WalletLedgerCommand> ledgerType;

  /** The matcher of chain transfers: live wallet ledgers, live invoices. */
  public PaymentMatcher(ActorSystem<?> system) {
    this(system, true);
  }

  /**
   * With {@code livemode} false, the matcher of simulated transfers (test mode): the same matching,
   * confirmation and release, on the wallets' test ledgers, so only test invoices can be paid.
   */
  public PaymentMatcher(ActorSystem<?> system, boolean livemode) {
    this.system = system;
    this.ledgerType = WalletLedger.key(livemode);
    this.sharding = ClusterSharding.get(system);
    this.settings = EngineSettings.fromConfig(system.settings().config());
    this.batching = Settings.fromConfig(system.settings().config());
    this.invoices = new InvoiceService(system);
  }

  /**
   * The transfers of one scanned range, in chain order. Each wallet's transfers go to its ledger as
   * one command per {@code route-batch-size} (one atomic write of their routings), wallets in
   * parallel; once the routings are durable, the invoices they pay are told, invoices in parallel
   * and each invoice's transfers in chain order. So which of two equal transfers pays an invoice
   * does not depend on timing.
   *
   * <p>Completes with one {@link Observation} per transfer, in the order given, once every
   * routing and every invoice's record of its payment is persisted; fails (having possibly done
   * part of it, which a repeat finds done) if any ledger or invoice did not answer.
   */
  public CompletionStage<List<Observation>> observeAll(List<Transfer> transfers,
      ToIntFunction<Transfer> confirmations) {
    return routeAll(transfers).thenCompose(routes -> recordAll(transfers, routes, confirmations));
  }

  /**
   * Only the first half of {@link #observeAll}: each transfer routed by its wallet's ledger, the
   * routings persisted, no invoice told. Routes in the order given.
   */
  public CompletionStage<List<TransferRoute>> routeAll(List<Transfer> transfers) {
    Map<String, List<Integer>> byWallet = new LinkedHashMap<>();
    for (int i = 0; i < transfers.size(); i++) {
      Transfer t = transfers.get(i);
      byWallet.computeIfAbsent(WalletLedger.entityId(t.chain(), t.asset(), t.to()), k -> new ArrayList<>()).add(i);
    }
    return Source.from(byWallet.entrySet())
        .mapAsyncUnordered(batching.parallelism(), wallet -> routeWallet(wallet.getKey(), wallet.getValue(), transfers))
        .runWith(Sink.seq(), system)
        .thenApply(perWallet -> {
          TransferRoute[] routes = new TransferRoute[transfers.size()];
          perWallet.forEach(list -> list.forEach(r -> routes[r.index()] = r.value()));
          return List.of(routes);
        });
  }

  private record Indexed<T>(int index, T value) {}

  /** One wallet's transfers, chunk after chunk so that the ledger sees them in chain order. */
  private CompletionStage<List<Indexed<TransferRoute>>> routeWallet(String entityId, List<Integer> indexes,
      List<Transfer> transfers) {
    EntityRef<WalletLedgerCommand> ledger = sharding.entityRefFor(ledgerType, entityId);
    List<Indexed<TransferRoute>> routed = new ArrayList<>(indexes.size());
    CompletionStage<List<Indexed<TransferRoute>>> chain = CompletableFuture.completedFuture(routed);
    for (int from = 0; from < indexes.size(); from += batching.routeBatchSize()) {
      List<Integer> chunk = indexes.subList(from, Math.min(indexes.size(), from + batching.routeBatchSize()));
      List<Transfer> chunkTransfers = chunk.stream().map(transfers::get).toList();
      chain = chain.thenCompose(soFar -> ledger
          .<TransferRoutes>askWithStatus(reply -> new WalletLedgerCommand.RouteAll(chunkTransfers, reply),
              settings.askTimeout())
          .thenApply(answer -> {
            for (int i = 0; i < chunk.size(); i++) {
              soFar.add(new Indexed<>(chunk.get(i), answer.routes().get(i)));
            }
            return soFar;
          }));
    }
    return chain;
  }

  private CompletionStage<List<Observation>> recordAll(List<Transfer> transfers, List<TransferRoute> routes,
      ToIntFunction<Transfer> confirmations) {
    Observation[] outcomes = new Observation[transfers.size()];
    Map<UUID, List<Integer>> byInvoice = new LinkedHashMap<>();
    for (int i = 0; i < transfers.size(); i++) {
      TransferRoute route = routes.get(i);
      if (route.matched()) {
        byInvoice.computeIfAbsent(route.invoiceId(), k -> new ArrayList<>()).add(i);
      } else {
        outcomes[i] = new Observation.Recorded(transfers.get(i), route);
      }
    }
    return Source.from(byInvoice.entrySet())
        .mapAsyncUnordered(batching.parallelism(),
            invoice -> recordInvoice(invoice.getKey(), invoice.getValue(), transfers, routes, confirmations))
        .runWith(Sink.seq(), system)
        .thenApply(perInvoice -> {
          perInvoice.forEach(list -> list.forEach(o -> outcomes[o.index()] = o.value()));
          return List.of(outcomes);
        });
  }

  /** One invoice's payments, one after another in chain order. */
  private CompletionStage<List<Indexed<Observation>>> recordInvoice(UUID invoiceId, List<Integer> indexes,
      List<Transfer> transfers, List<TransferRoute> routes, ToIntFunction<Transfer> confirmations) {
    EntityRef<InvoiceCommand> invoice = invoice(invoiceId);
    List<Indexed<Observation>> recorded = new ArrayList<>(indexes.size());
    CompletionStage<List<Indexed<Observation>>> chain = CompletableFuture.completedFuture(recorded);
    for (int index : indexes) {
      Transfer transfer = transfers.get(index);
      TransferRoute route = routes.get(index);
      chain = chain.thenCompose(soFar -> invoice
          .<Invoice>askWithStatus(reply -> new InvoiceCommand.RecordPayment(transfer,
              confirmations.applyAsInt(transfer), route.source(), reply), settings.askTimeout())
          .handle((ok, error) -> {
            if (error == null) {
              soFar.add(new Indexed<>(index, new Observation.Recorded(transfer, route)));
            } else if (Failures.cause(error) instanceof StatusReply.ErrorMessage refused) {
              soFar.add(new Indexed<>(index, new Observation.Refused(transfer, route, refused.getMessage())));
            } else {
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            return soFar;
          }));
    }
    return chain;
  }

  public CompletionStage<Invoice> updateConfirmations(UUID invoiceId, TransferKey transfer, int confirmations) {
    return invoice(invoiceId).askWithStatus(
        reply -> new InvoiceCommand.UpdateConfirmations(transfer, confirmations, reply), settings.askTimeout());
  }

  /** The payment is final; if that pays the invoice, its payAmount is freed on the ledger. */
  public CompletionStage<Invoice> confirm(UUID invoiceId, TransferKey transfer, int confirmations) {
    return invoice(invoiceId)
        .<Invoice>askWithStatus(reply -> new InvoiceCommand.ConfirmPayment(transfer, confirmations, reply),
            settings.askTimeout())
        .thenCompose(invoice -> invoice.status() == InvoiceStatus.PAID
            ? invoices.release(invoice, ReleaseReason.PAID).thenApply(v -> invoice)
            : CompletableFuture.completedFuture(invoice));
  }

  public CompletionStage<Invoice> revert(UUID invoiceId, TransferKey transfer) {
    return invoice(invoiceId).askWithStatus(
        reply -> new InvoiceCommand.RevertPayment(transfer, reply), settings.askTimeout());
  }

  /** A transfer that matched no invoice is final: keep it for the merchant to see. */
  public CompletionStage<Done> recordUnmatched(Transfer transfer) {
    return ledger(transfer).askWithStatus(
        reply -> new WalletLedgerCommand.RecordUnmatched(transfer, reply), settings.askTimeout());
  }

  private EntityRef<InvoiceCommand> invoice(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString());
  }

  private EntityRef<WalletLedgerCommand> ledger(Transfer transfer) {
    return sharding.entityRefFor(ledgerType, WalletLedger.entityId(transfer.chain(), transfer.asset(), transfer.to()));
  }
}
