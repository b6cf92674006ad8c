package io.stablegate.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;

/**
 * A journal written by the real engine (sharded entities on PostgreSQL, payments through the
 * PaymentMatcher with fabricated transfers), built once and copied for each test that tampers with
 * it (PostgreSQL's CREATE DATABASE … TEMPLATE).
 *
 * <p>The invoices, all on one wallet of one merchant:
 * <ul>
 *   <li>{@code paid}: detected, 5 confirmations, final → PAID (events 1–5);
 *   <li>{@code paidAgain}: same amount after {@code paid} freed its payAmount, so the same payAmount;
 *       paid by another transfer (events 1–4);
 *   <li>{@code cancelled}; {@code expired} (by the sweeper);
 *   <li>{@code paidLate}: expired, then paid by a late transfer → PAID late;
 *   <li>{@code reverted}: detected, then its block left the chain → PENDING again.
 * </ul>
 */
final class EngineJournal {
  private static final SecureRandom RANDOM = new SecureRandom();

  final DbCoordinates db;
  final UUID merchant = UUID.randomUUID();
  final String wallet = Invoices.randomEvmWallet();
  Invoice paid;
  Invoice paidAgain;
  Invoice cancelled;
  Invoice expired;
  Invoice paidLate;
  Invoice reverted;
  Transfer paidTransfer;

  private EngineJournal(DbCoordinates db) {
    this.db = db;
  }

  static EngineJournal build() throws Exception {
    EngineJournal journal = new EngineJournal(TestDatabase.fresh());
    // A first ask meets a cold node (shard allocation, connection pools) on a shared CI machine.
    try (TestNode node = new TestNode(journal.db, ConfigFactory.parseString("stablegate.ask-timeout = 30s"))) {
      journal.write(node);
    }
    return journal;
  }

  private void write(TestNode node) throws Exception {
    PaymentMatcher matcher = new PaymentMatcher(node.system());
    Instant inAnHour = Instant.now().plus(Duration.ofHours(1));

    // Expiry first: the sweeper finds due invoices through the read-side projection, which must
    // not depend on how the projection copes with the payments below.
    Instant soon = Instant.now().plusSeconds(1);
    expired = create(node, "30", soon);
    Invoice dueLater = create(node, "31", soon);
    expired = awaitStatus(node, expired.id(), InvoiceStatus.EXPIRED);
    dueLater = awaitStatus(node, dueLater.id(), InvoiceStatus.EXPIRED);

    paid = create(node, "10.5", inAnHour);
    paidTransfer = transfer(paid.payAmount());
    get(matcher.observeAll(List.of(paidTransfer), t -> 1));
    get(matcher.updateConfirmations(paid.id(), paidTransfer.key(), 5));
    paid = get(matcher.confirm(paid.id(), paidTransfer.key(), 12));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);

    paidAgain = create(node, "10.5", inAnHour);
    assertThat(paidAgain.payAmount()).isEqualByComparingTo(paid.payAmount());
    Transfer second = transfer(paidAgain.payAmount());
    get(matcher.observeAll(List.of(second), t -> 3));
    paidAgain = get(matcher.confirm(paidAgain.id(), second.key(), 12));

    cancelled = get(node.invoices().cancel(create(node, "20", inAnHour).id()));

    Transfer late = transfer(dueLater.payAmount());
    get(matcher.observeAll(List.of(late), t -> 12));
    paidLate = get(matcher.confirm(dueLater.id(), late.key(), 12));
    assertThat(paidLate.paidLate()).isTrue();

    reverted = create(node, "40", inAnHour);
    Transfer orphaned = transfer(reverted.payAmount());
    get(matcher.observeAll(List.of(orphaned), t -> 1));
    reverted = get(matcher.revert(reverted.id(), orphaned.key()));
    assertThat(reverted.status()).isEqualTo(InvoiceStatus.PENDING);
  }

  private Invoice create(TestNode node, String amount, Instant expiresAt) throws Exception {
    return get(node.invoices().create(new NewInvoice(UUID.randomUUID(), new InvoiceTerms(merchant, Chain.ETHEREUM,
        wallet, new BigDecimal(amount), "order-" + amount, "audit test", "{}", expiresAt))));
  }

  private static Invoice awaitStatus(TestNode node, UUID id, InvoiceStatus status) {
    return Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> get(node.invoices().get(id)), invoice -> invoice.status() == status);
  }

  Transfer transfer(BigDecimal amount) {
    byte[] tx = new byte[32];
    RANDOM.nextBytes(tx);
    return new Transfer(Chain.ETHEREUM, "0x" + HexFormat.of().formatHex(tx), RANDOM.nextInt(50),
        Invoices.randomEvmWallet(), wallet, amount, 1_000 + RANDOM.nextInt(1_000), "0x" + "ab".repeat(32),
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get();
  }

  static String persistenceId(Invoice invoice) {
    return InvoiceReplay.PERSISTENCE_ID_PREFIX + invoice.id();
  }

  /** A copy of the journal's database, to tamper with. */
  DbCoordinates copy() throws SQLException {
    return copyOf(db);
  }

  /** A copy of {@code db}, which nothing may be connected to. */
  static DbCoordinates copyOf(DbCoordinates db) throws SQLException {
    String name = "c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    String source = databaseName(db.url());
    try (Connection c = DriverManager.getConnection(withDatabase(db.url(), "postgres"), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE " + source);
    }
    return new DbCoordinates(withDatabase(db.url(), name), db.user(), db.password());
  }

  private static String databaseName(String url) {
    int slash = url.lastIndexOf('/');
    int query = url.indexOf('?', slash);
    return query < 0 ? url.substring(slash + 1) : url.substring(slash + 1, query);
  }

  private static String withDatabase(String url, String name) {
    int slash = url.lastIndexOf('/');
    int query = url.indexOf('?', slash);
    return url.substring(0, slash + 1) + name + (query < 0 ? "" : url.substring(query));
  }
}
