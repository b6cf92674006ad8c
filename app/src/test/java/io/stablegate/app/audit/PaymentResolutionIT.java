package io.stablegate.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.NodeOptions;
import io.stablegate.app.StablegateNode;
import io.stablegate.app.testing.FreePorts;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentAttached;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.Invoices;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Every payment ends somewhere (docs/payment-resolution.md), end to end: two nodes of one cluster in
 * this JVM sharing one PostgreSQL, a real ERC-20 on anvil watched by the nodes' Ethereum watcher,
 * the merchant API on real HTTP, signed webhooks to a receiver here. Tolerance, ambiguous candidates
 * with {@code transfer.unmatched}, attach (partial, top-up, overpaid, late), dismiss, concurrent
 * attaches from both nodes, and {@code audit verify} over the journal all of that wrote, clean and
 * then with an attach tampered with.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentResolutionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String PASSWORD = "correct horse battery staple 42";
  private static final int CONFIRMATIONS = 2;

  @TempDir static Path temp;

  private static EmbeddedPostgresServer postgres;
  private static DbCoordinates db;
  private static final List<ActorSystem<Void>> nodes = new ArrayList<>();
  private static StablegateNode firstNode;
  private static final List<String> bases = new ArrayList<>();
  private static Anvil anvil;
  private static EvmChain chain;
  private static String token;
  private static HttpServer receiver;
  /** Webhook requests received, per merchant path: {@code [body, X-Webhook-Signature]}. */
  private static final Map<String, List<String[]>> hooks = new ConcurrentHashMap<>();
  /** A merchant whose invoice expires while the first tests run (see {@link #anExpiredInvoiceIsPaidLateByAnAttach}). */
  private static Merchant late;
  private static JsonNode lateInvoice;

  record Merchant(String name, String apiKey, String jwt, String csrf, String wallet, String webhookSecret,
      UUID merchantId) {}

  @BeforeAll
  static void start() throws Exception {
    anvil = Anvil.start();
    chain = new EvmChain(anvil.url());
    token = chain.deployToken(6);
    postgres = EmbeddedPostgresServer.start(Files.createDirectories(temp.resolve("pg")), 0, false);
    db = postgres.database("resolution");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      hooks.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new CopyOnWriteArrayList<>())
          .add(new String[] {new String(body, StandardCharsets.UTF_8),
              exchange.getRequestHeaders().getFirst("X-Webhook-Signature")});
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    int[] clusterPorts = {FreePorts.next(), FreePorts.next()};
    String seeds = "pekko://stablegate@127.0.0.1:" + clusterPorts[0];
    long startBlock = chain.head();
    for (int i = 0; i < 2; i++) {
      int httpPort = FreePorts.next();
      String base = "http://127.0.0.1:" + httpPort;
      Config config = ConfigFactory.parseString("""
          stablegate.http.host = "127.0.0.1"
          stablegate.http.port = %d
          stablegate.public-url = "%s"
          stablegate.db.url = "%s"
          stablegate.db.user = "%s"
          stablegate.db.password = "%s"
          stablegate.db.data-dir = "%s"
          stablegate.http.bcrypt-cost = 10
          stablegate.cluster.seed-nodes = "%s"
          stablegate.chains.tron.enabled = false
          stablegate.chains.bsc.enabled = false
          stablegate.chains.ethereum.rpc-urls = "%s"
          stablegate.chains.ethereum.chain-id = 31337
          stablegate.chains.ethereum.usdt-contract = "%s"
          stablegate.chains.ethereum.confirmations = %d
          stablegate.chains.ethereum.poll-interval-ms = 200
          stablegate.chains.ethereum.start-block = "%d"
          stablegate.ledger.late-payment-window = 1s
          stablegate.webhook.retry-schedule = "1s,1s,1s"
          pekko.remote.artery.canonical.port = %d
          pekko.management.http.port = %d
          pekko.cluster.split-brain-resolver.stable-after = 5s
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.coordinated-shutdown.exit-jvm = off
          """.formatted(httpPort, base, db.url(), db.user(), db.password(),
              temp.resolve("data-" + i).toString().replace("\\", "/"), seeds, anvil.url(), token, CONFIRMATIONS,
              startBlock, clusterPorts[i], FreePorts.next()));
      StablegateNode node = StablegateNode.start(NodeOptions.production().withOverrides(config));
      firstNode = firstNode == null ? node : firstNode;
      nodes.add(node.system());
      bases.add(base);
    }
    for (String base : bases) {
      Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> send(base, "GET", "/api/v1/health", (String) null, null).statusCode() == 200);
    }
    late = merchant("late", "0");
    // The API's shortest expiry is a minute; this invoice, made through the node's engine as the API makes them,
    // expires in seconds, while the first tests run, so that the test of a late payment need not wait a minute.
    UUID lateId = UUID.randomUUID();
    firstNode.invoices().create(new InvoiceService.NewInvoice(lateId, new InvoiceTerms(late.merchantId(),
        Chain.ETHEREUM, EvmAddress.parse(late.wallet()).value(), new BigDecimal("100"), null, null, "{}",
        Instant.now().plusSeconds(5)))).toCompletableFuture().get(60, TimeUnit.SECONDS);
    lateInvoice = get(late, "/api/v1/invoices/" + lateId);
  }

  @AfterAll
  static void stop() {
    for (ActorSystem<Void> node : nodes) {
      node.terminate();
    }
    for (ActorSystem<Void> node : nodes) {
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> node.getWhenTerminated().toCompletableFuture().isDone());
    }
    if (receiver != null) {
      receiver.stop(0);
    }
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  // ---------------------------------------------------------------- the tests

  @Test
  @Order(1)
  void aTransferWithinTheToleranceWindowPaysTheInvoiceUnderpaid() throws Exception {
    Merchant m = merchant("tolerance", "1");
    JsonNode invoice = createInvoice(m, "100", 30);
    assertThat(invoice.get("payAmount").asText()).isEqualTo("100");
    assertThat(invoice.get("amountDue").asText()).isEqualTo("100");

    pay(m.wallet(), "99.5");
    JsonNode paid = awaitStatus(m, invoice, "PAID");
    assertThat(paid.get("underpaid").asBoolean()).isTrue();
    assertThat(paid.get("overpaid").asBoolean()).isFalse();
    assertThat(paid.get("amountPaid").asText()).isEqualTo("99.5");
    assertThat(paid.get("amountDue").asText()).isEqualTo("0");
    assertThat(paid.get("payments").get(0).get("source").asText()).isEqualTo("TOLERANCE");
    JsonNode hook = awaitHook(m, "invoice.paid");
    assertThat(hook.get("data").get("invoice").get("underpaid").asBoolean()).isTrue();
  }

  @Test
  @Order(2)
  void aTransferInTwoWindowsPaysNeitherAndIsListedWithBothAsCandidates() throws Exception {
    Merchant m = merchant("ambiguous", "2");
    JsonNode first = createInvoice(m, "100", 30);
    JsonNode second = createInvoice(m, "100", 30);
    assertThat(second.get("payAmount").asText()).isEqualTo("100.0001");

    TransactionReceipt receipt = pay(m.wallet(), "99");
    JsonNode listed = awaitUnmatched(m, "open", receipt.getTransactionHash());
    assertThat(texts(listed.get("candidates"))).containsExactlyInAnyOrder(first.get("id").asText(),
        second.get("id").asText());
    assertThat(listed.get("state").asText()).isEqualTo("open");
    assertThat(listed.get("token").asText()).isEqualTo("USDT");
    assertThat(listed.get("amount").asText()).isEqualTo("99");
    assertThat(listed.get("claims")).isEmpty();
    for (JsonNode invoice : List.of(first, second)) {
      assertThat(get(m, "/api/v1/invoices/" + invoice.get("id").asText()).get("status").asText()).isEqualTo("PENDING");
    }
    JsonNode hook = awaitHook(m, "transfer.unmatched");
    JsonNode transfer = hook.get("data").get("transfer");
    assertThat(transfer.get("txHash").asText()).isEqualTo(receipt.getTransactionHash());
    assertThat(transfer.get("chain").asText()).isEqualTo("ETHEREUM");
    assertThat(transfer.get("token").asText()).isEqualTo("USDT");
    assertThat(transfer.get("amount").asText()).isEqualTo("99");
    assertThat(transfer.get("to").asText()).isEqualTo(m.wallet());
    assertThat(texts(hook.get("data").get("candidates"))).containsExactlyInAnyOrder(first.get("id").asText(),
        second.get("id").asText());
  }

  @Test
  @Order(3)
  void aPartialAttachLeavesARemainderThatTheExactTopUpPays() throws Exception {
    Merchant m = merchant("partial", "0");
    JsonNode invoice = createInvoice(m, "100", 30);
    TransactionReceipt forty = pay(m.wallet(), "40");
    awaitUnmatched(m, "open", forty.getTransactionHash());

    JsonNode partial = attach(m, bases.get(0), forty, invoice.get("id").asText(), 200);
    assertThat(partial.get("status").asText()).isEqualTo("PARTIALLY_PAID");
    assertThat(partial.get("amountPaid").asText()).isEqualTo("40");
    assertThat(partial.get("amountDue").asText()).isEqualTo("60");
    String remainderPayAmount = partial.get("payAmount").asText();
    assertThat(new BigDecimal(remainderPayAmount)).isBetween(new BigDecimal("60"), new BigDecimal("60.01"));
    assertThat(partial.get("payments").get(0).get("source").asText()).isEqualTo("ATTACHED");
    // the invoice shows it at once, from either node
    assertThat(get(m, bases.get(1), "/api/v1/invoices/" + invoice.get("id").asText()).get("status").asText())
        .isEqualTo("PARTIALLY_PAID");
    awaitHook(m, "invoice.partially_paid");
    awaitUnmatched(m, "attached", forty.getTransactionHash());

    pay(m.wallet(), remainderPayAmount);
    JsonNode paid = awaitStatus(m, invoice, "PAID");
    assertThat(new BigDecimal(paid.get("amountPaid").asText()))
        .isEqualByComparingTo(new BigDecimal("40").add(new BigDecimal(remainderPayAmount)));
    assertThat(paid.get("amountDue").asText()).isEqualTo("0");
    assertThat(paid.get("overpaid").asBoolean()).isFalse();
    assertThat(paid.get("payments")).hasSize(2);
  }

  @Test
  @Order(4)
  void aSecondPaymentToAPaidInvoiceAttachedIsAnOverpayment() throws Exception {
    Merchant m = merchant("overpaid", "0");
    JsonNode invoice = createInvoice(m, "100", 30);
    pay(m.wallet(), "100");
    awaitStatus(m, invoice, "PAID");
    TransactionReceipt again = pay(m.wallet(), "100");
    awaitUnmatched(m, "open", again.getTransactionHash());

    JsonNode overpaid = attach(m, bases.get(1), again, invoice.get("id").asText(), 200);
    assertThat(overpaid.get("status").asText()).isEqualTo("PAID");
    assertThat(overpaid.get("overpaid").asBoolean()).isTrue();
    assertThat(overpaid.get("amountPaid").asText()).isEqualTo("200");
    awaitHook(m, "invoice.overpaid");
    // the same attach again: 409, and nothing changes
    attach(m, bases.get(0), again, invoice.get("id").asText(), 409);
    assertThat(get(m, "/api/v1/invoices/" + invoice.get("id").asText()).get("amountPaid").asText()).isEqualTo("200");
  }

  @Test
  @Order(5)
  void aDismissedTransferLeavesTheOpenListAndCannotBeAttached() throws Exception {
    Merchant m = merchant("dismiss", "0");
    JsonNode invoice = createInvoice(m, "100", 30);
    TransactionReceipt stray = pay(m.wallet(), "12.34");
    awaitUnmatched(m, "open", stray.getTransactionHash());

    HttpResponse<String> dismissed = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/dismiss", m.apiKey(),
        body(stray, Map.of("note", "refunded to the payer")));
    assertThat(dismissed.statusCode()).as(dismissed.body()).isEqualTo(200);
    JsonNode transfer = JSON.readTree(dismissed.body());
    assertThat(transfer.get("state").asText()).isEqualTo("dismissed");
    assertThat(transfer.get("note").asText()).isEqualTo("refunded to the payer");

    JsonNode listed = awaitUnmatched(m, "dismissed", stray.getTransactionHash());
    assertThat(listed.get("note").asText()).isEqualTo("refunded to the payer");
    assertThat(listed.get("resolvedAt").isNull()).isFalse();
    assertThat(find(list(m, "open"), stray.getTransactionHash())).isNull();
    attach(m, bases.get(1), stray, invoice.get("id").asText(), 409);
    assertThat(get(m, "/api/v1/invoices/" + invoice.get("id").asText()).get("status").asText()).isEqualTo("PENDING");
  }

  @Test
  @Order(6)
  void refusedAttachesChangeNothing() throws Exception {
    Merchant m = merchant("refused", "0");
    Merchant other = merchant("refused-other", "0");
    JsonNode invoice = createInvoice(m, "100", 30);
    JsonNode othersInvoice = createInvoice(other, "100", 30);
    TransactionReceipt stray = pay(m.wallet(), "7");
    awaitUnmatched(m, "open", stray.getTransactionHash());

    // another merchant's transfer: 404; another merchant's invoice: 404
    attach(other, bases.get(0), stray, othersInvoice.get("id").asText(), 404);
    attach(m, bases.get(0), stray, othersInvoice.get("id").asText(), 404);
    // an invoice on another chain: 422 naming the field
    byte[] tron = new byte[20];
    new java.security.SecureRandom().nextBytes(tron);
    HttpResponse<String> tronWallet = send(bases.get(0), "PUT", "/api/v1/wallets/TRON", m,
        "{\"address\":\"" + io.stablegate.engine.chain.TronAddress.fromBytes(tron).value() + "\"}");
    assertThat(tronWallet.statusCode()).as(tronWallet.body()).isEqualTo(200);
    HttpResponse<String> tronInvoice = send(bases.get(0), "POST", "/api/v1/invoices", m.apiKey(),
        "{\"amount\":\"100\",\"chain\":\"TRON\"}");
    assertThat(tronInvoice.statusCode()).as(tronInvoice.body()).isEqualTo(201);
    HttpResponse<String> wrongChain = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/attach", m.apiKey(),
        body(stray, Map.of("invoiceId", JSON.readTree(tronInvoice.body()).get("id").asText())));
    assertThat(wrongChain.statusCode()).as(wrongChain.body()).isEqualTo(422);
    assertThat(JSON.readTree(wrongChain.body()).get("errors").get(0).get("field").asText()).isEqualTo("chain");
    // a transfer key on a chain where the merchant has no wallet: no such transfer of this merchant
    HttpResponse<String> noWallet = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/attach", m.apiKey(),
        JSON.writeValueAsString(Map.of("chain", "BSC", "txHash", stray.getTransactionHash(),
            "logIndex", stray.getLogs().get(0).getLogIndex().intValue(), "invoiceId", invoice.get("id").asText())));
    assertThat(noWallet.statusCode()).isEqualTo(404);
    // malformed bodies: 400
    for (String bad : List.of("{}", "{\"chain\":\"ETHEREUM\",\"txHash\":\"0x12\",\"logIndex\":0,\"invoiceId\":\""
        + invoice.get("id").asText() + "\"}", "{\"chain\":\"ETHEREUM\",\"txHash\":\"" + stray.getTransactionHash()
        + "\",\"logIndex\":-1,\"invoiceId\":\"x\"}", "[1]", "{\"chain\":\"ETHEREUM\",\"extra\":1}")) {
      HttpResponse<String> refused = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/attach", m.apiKey(), bad);
      assertThat(refused.statusCode()).as(bad + " -> " + refused.body()).isEqualTo(400);
    }
    HttpResponse<String> longNote = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/dismiss", m.apiKey(),
        body(stray, Map.of("note", "x".repeat(501))));
    assertThat(longNote.statusCode()).isEqualTo(400);
    HttpResponse<String> badTolerance = send(bases.get(0), "PUT", "/api/v1/settings/payments", m,
        "{\"underpaymentTolerancePercent\":\"10.5\"}");
    assertThat(badTolerance.statusCode()).isEqualTo(400);
    HttpResponse<String> keyTolerance = send(bases.get(0), "PUT", "/api/v1/settings/payments", m.apiKey(),
        "{\"underpaymentTolerancePercent\":\"1\"}");
    assertThat(keyTolerance.statusCode()).isEqualTo(401);
    assertThat(get(m, "/api/v1/settings/payments").get("underpaymentTolerancePercent").asText()).isEqualTo("0");

    // nothing changed: still open, the invoice still PENDING
    assertThat(find(list(m, "open"), stray.getTransactionHash())).isNotNull();
    assertThat(get(m, "/api/v1/invoices/" + invoice.get("id").asText()).get("status").asText()).isEqualTo("PENDING");
  }

  @Test
  @Order(7)
  void anInvoiceOnAnotherAddressIsRefusedNamingTheField() throws Exception {
    Merchant m = merchant("moved", "0");
    TransactionReceipt stray = pay(m.wallet(), "8");
    awaitUnmatched(m, "open", stray.getTransactionHash());
    JsonNode before = createInvoice(m, "100", 30);
    // the merchant moves its wallet; the old invoice keeps the old address, and the transfer is to the old one too,
    // but a new invoice is payable to the new address
    HttpResponse<String> moved = send(bases.get(0), "PUT", "/api/v1/wallets/ETHEREUM", m,
        "{\"address\":\"" + Invoices.randomEvmWallet() + "\"}");
    assertThat(moved.statusCode()).isEqualTo(200);
    JsonNode after = createInvoice(m, "100", 30);
    HttpResponse<String> back = send(bases.get(0), "PUT", "/api/v1/wallets/ETHEREUM", m,
        "{\"address\":\"" + m.wallet() + "\"}");
    assertThat(back.statusCode()).isEqualTo(200);
    HttpResponse<String> refused = send(bases.get(0), "POST", "/api/v1/unmatched-transfers/attach", m.apiKey(),
        body(stray, Map.of("invoiceId", after.get("id").asText())));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(JSON.readTree(refused.body()).get("errors").get(0).get("field").asText()).isEqualTo("address");
    assertThat(get(m, "/api/v1/invoices/" + after.get("id").asText()).get("status").asText()).isEqualTo("PENDING");
    assertThat(before.get("address").asText()).isEqualTo(m.wallet());
  }

  @Test
  @Order(8)
  void concurrentAttachesOfOneTransferFromTwoNodesCreditItOnce() throws Exception {
    Merchant m = merchant("concurrent", "0");
    JsonNode a = createInvoice(m, "50", 30);
    JsonNode b = createInvoice(m, "50", 30);
    TransactionReceipt stray = pay(m.wallet(), "50.5");
    awaitUnmatched(m, "open", stray.getTransactionHash());

    CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> attachRaw(m, bases.get(0),
        stray, a.get("id").asText()));
    CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> attachRaw(m, bases.get(1),
        stray, b.get("id").asText()));
    List<Integer> codes = List.of(onA.get().statusCode(), onB.get().statusCode());
    assertThat(codes).as(onA.get().body() + " / " + onB.get().body()).containsExactlyInAnyOrder(200, 409);

    JsonNode invoiceA = get(m, "/api/v1/invoices/" + a.get("id").asText());
    JsonNode invoiceB = get(m, "/api/v1/invoices/" + b.get("id").asText());
    long credited = List.of(invoiceA, invoiceB).stream().filter(i -> i.get("status").asText().equals("PAID")).count();
    assertThat(credited).isEqualTo(1);
    assertThat(invoiceA.get("payments").size() + invoiceB.get("payments").size()).isEqualTo(1);
    JsonNode attached = awaitUnmatched(m, "attached", stray.getTransactionHash());
    assertThat(attached.get("invoiceId").asText())
        .isEqualTo(invoiceA.get("status").asText().equals("PAID") ? a.get("id").asText() : b.get("id").asText());
  }

  @Test
  @Order(9)
  void anExpiredInvoiceIsPaidLateByAnAttach() throws Exception {
    // created at start, expiring seconds later; its payAmount is held one second beyond (late-payment-window).
    // The chain's clock is moved two hours on, so the transfer's block is surely after that hold.
    awaitStatus(late, lateInvoice, "EXPIRED", Duration.ofSeconds(150));
    rpc("evm_increaseTime", "[7200]");
    TransactionReceipt tooLate = pay(late.wallet(), lateInvoice.get("payAmount").asText());
    awaitUnmatched(late, "open", tooLate.getTransactionHash());
    assertThat(get(late, "/api/v1/invoices/" + lateInvoice.get("id").asText()).get("status").asText())
        .isEqualTo("EXPIRED");

    JsonNode paid = attach(late, bases.get(0), tooLate, lateInvoice.get("id").asText(), 200);
    assertThat(paid.get("status").asText()).isEqualTo("PAID");
    assertThat(paid.get("paidLate").asBoolean()).isTrue();
    assertThat(paid.get("overpaid").asBoolean()).isFalse();
    awaitHook(late, "invoice.paid_late");
  }

  @Test
  @Order(10)
  void theAuditVerifiesAllOfItAndNamesATamperedAttach() throws Exception {
    AuditCommandTest.Outcome clean = AuditCommandTest.audit(db, "verify");
    assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
    assertThat(clean.out()).contains("OK:");
    AuditCommandTest.Outcome viaReadJournal = AuditCommandTest.audit(db, "verify", "--via-read-journal");
    assertThat(viaReadJournal.exitCode()).as(viaReadJournal.out() + viaReadJournal.err()).isZero();

    // the nodes stop (a database is copied only when nobody is connected to it)
    for (ActorSystem<Void> node : nodes) {
      node.terminate();
    }
    for (ActorSystem<Void> node : nodes) {
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> node.getWhenTerminated().toCompletableFuture().isDone());
    }

    DbCoordinates copy = EngineJournal.copyOf(db);
    String persistenceId;
    long seqNr;
    try (JournalRows rows = new JournalRows(copy)) {
      JournalRows.Stored found = rows.firstOfType(PaymentAttached.class);
      persistenceId = found.persistenceId();
      seqNr = found.seqNr();
      PaymentAttached attached = (PaymentAttached) found.event();
      // consistently forged (hash chain recomputed): the attach no longer names who made it
      rows.overwriteRelinked(persistenceId, seqNr, new PaymentAttached(attached.invoiceId(), attached.transfer(),
          new Attribution(UUID.randomUUID(), Attribution.Via.API_KEY), attached.amountDue(), attached.at(),
          attached.prevHash()));
    }
    for (String how : List.of("--direct", "--via-read-journal")) {
      AuditCommandTest.Outcome tampered = AuditCommandTest.audit(copy, "verify", how);
      assertThat(tampered.exitCode()).as(tampered.out() + tampered.err()).isEqualTo(AuditCommand.VIOLATION);
      assertThat(tampered.out()).contains("VIOLATION at " + persistenceId + " sequence number " + seqNr + ": ")
          .contains("PaymentAttached");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void rpc(String method, String params) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(anvil.url()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).doesNotContain("\"error\"");
  }

  private static Merchant merchant(String name, String tolerance) throws Exception {
    String base = bases.get(0);
    String email = name + "-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> registered = send(base, "POST", "/api/v1/auth/register", (String) null,
        JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD)));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    JsonNode account = JSON.readTree(registered.body());
    HttpResponse<String> login = send(base, "POST", "/api/v1/auth/login", (String) null,
        JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD)));
    assertThat(login.statusCode()).isEqualTo(200);
    String jwt = cookie(login, "jwt");
    String csrf = cookie(login, "csrf");
    Merchant m = new Merchant(name, account.get("apiKey").asText(), jwt, csrf, Invoices.randomEvmWallet(), null,
        UUID.fromString(account.get("merchantId").asText()));
    HttpResponse<String> wallet = send(base, "PUT", "/api/v1/wallets/ETHEREUM", m,
        "{\"address\":\"" + m.wallet() + "\"}");
    assertThat(wallet.statusCode()).as(wallet.body()).isEqualTo(200);
    HttpResponse<String> hook = send(base, "PUT", "/api/v1/webhook", m,
        "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/" + name + "\"}");
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(200);
    HttpResponse<String> settings = send(base, "PUT", "/api/v1/settings/payments", m,
        "{\"underpaymentTolerancePercent\":\"" + tolerance + "\"}");
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
    assertThat(JSON.readTree(settings.body()).get("underpaymentTolerancePercent").asText()).isEqualTo(tolerance);
    return new Merchant(name, m.apiKey(), jwt, csrf, m.wallet(), JSON.readTree(hook.body()).get("secret").asText(),
        m.merchantId());
  }

  private static JsonNode createInvoice(Merchant m, String amount, int expiresInMinutes) throws Exception {
    HttpResponse<String> created = send(bases.get(0), "POST", "/api/v1/invoices", m.apiKey(),
        JSON.writeValueAsString(Map.of("amount", amount, "chain", "ETHEREUM", "expiresInMinutes", expiresInMinutes)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body());
  }

  private static TransactionReceipt pay(String wallet, String amount) {
    TransactionReceipt receipt = chain.transfer(token, wallet, new BigDecimal(amount).movePointRight(6)
        .toBigIntegerExact());
    chain.mine(CONFIRMATIONS + 1);
    return receipt;
  }

  private static JsonNode awaitStatus(Merchant m, JsonNode invoice, String status) {
    return awaitStatus(m, invoice, status, PATIENCE);
  }

  private static JsonNode awaitStatus(Merchant m, JsonNode invoice, String status, Duration patience) {
    return Awaitility.await().atMost(patience).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> get(m, "/api/v1/invoices/" + invoice.get("id").asText()),
            i -> i.get("status").asText().equals(status));
  }

  /** The unmatched transfer {@code txHash} once it is listed under {@code state} (the listing lags a few seconds). */
  private static JsonNode awaitUnmatched(Merchant m, String state, String txHash) {
    return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> find(list(m, state), txHash), item -> item != null);
  }

  private static JsonNode list(Merchant m, String state) throws Exception {
    return get(m, "/api/v1/unmatched-transfers?state=" + state + "&chain=ETHEREUM&limit=100");
  }

  private static JsonNode find(JsonNode page, String txHash) {
    for (JsonNode item : page.get("items")) {
      if (item.get("txHash").asText().equals(txHash)) {
        return item;
      }
    }
    return null;
  }

  /** The first webhook of {@code type} the merchant received, its signature checked against the secret. */
  private static JsonNode awaitHook(Merchant m, String type) {
    return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          for (String[] request : hooks.getOrDefault("/" + m.name(), List.of())) {
            JsonNode body = JSON.readTree(request[0]);
            if (body.get("type").asText().equals(type)) {
              assertThat(request[1]).isEqualTo("sha256=" + hmac(m.webhookSecret(), request[0]));
              return body;
            }
          }
          return null;
        }, body -> body != null);
  }

  private static String hmac(String secret, String body) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String body(TransactionReceipt receipt, Map<String, Object> more) throws Exception {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("chain", "ETHEREUM");
    body.put("txHash", receipt.getTransactionHash());
    body.put("logIndex", receipt.getLogs().get(0).getLogIndex().intValue());
    body.putAll(more);
    return JSON.writeValueAsString(body);
  }

  private static JsonNode attach(Merchant m, String base, TransactionReceipt receipt, String invoiceId, int expected)
      throws Exception {
    HttpResponse<String> response = attachRaw(m, base, receipt, invoiceId);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> attachRaw(Merchant m, String base, TransactionReceipt receipt,
      String invoiceId) {
    try {
      return send(base, "POST", "/api/v1/unmatched-transfers/attach", m.apiKey(),
          body(receipt, Map.of("invoiceId", invoiceId)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static JsonNode get(Merchant m, String path) throws Exception {
    return get(m, bases.get(0), path);
  }

  private static JsonNode get(Merchant m, String base, String path) throws Exception {
    HttpResponse<String> response = send(base, "GET", path, m.apiKey(), null);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String base, String method, String path, String apiKey, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** With the merchant's dashboard session (cookie and CSRF header). */
  private static HttpResponse<String> send(String base, String method, String path, Merchant m, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Cookie", "jwt=" + m.jwt() + "; csrf=" + m.csrf())
        .header("X-CSRF-Token", m.csrf());
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';') > 0 ? c.indexOf(';') : c.length()))
        .findFirst().orElseThrow();
  }
}
