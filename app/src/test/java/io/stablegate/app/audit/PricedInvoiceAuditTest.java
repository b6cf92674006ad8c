package io.stablegate.app.audit;

import static io.stablegate.app.audit.AuditCommandTest.audit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.audit.AuditCommandTest.Outcome;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.PriceLock;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.rates.ExchangeRate;
import io.stablegate.engine.rates.FixedRates;
import io.stablegate.engine.rates.PriceConversion;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Invoices priced in fiat, written by the real engine with a rate from a real rate source: the
 * export carries price, rate, rateSource and rateAt in each creation event, from which the amount is
 * recomputed; verify passes, and names a creation whose amount is not its price at its rate.
 */
class PricedInvoiceAuditTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pricedInvoicesAreExportedWithTheirLockedRateAndVerify() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    ExchangeRate eur = fixedRate("EUR=0.92", "EUR");
    Invoice priced;
    try (TestNode node = new TestNode(db, ConfigFactory.parseString("stablegate.ask-timeout = 30s"))) {
      Price price = new Price(new BigDecimal("10"), "EUR");
      priced = create(node, PriceConversion.tokenAmount(price.amount(), eur.rate()),
          new PriceLock(price, eur.rate(), eur.source(), eur.at()));
      create(node, new BigDecimal("25"), null);
    }
    assertThat(priced.amount()).isEqualByComparingTo("10.87");

    Outcome verify = audit(db, "verify");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("invoices replayed      2 (");

    Path file = Files.createTempFile(Path.of("target"), "priced-export", ".jsonl");
    Outcome export = audit(db, "export", "--from", "2000-01-01", "--to", "2999-12-31", "--format", "json",
        "--out", file.toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    List<JsonNode> created = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .map(PricedInvoiceAuditTest::parse)
        .filter(line -> line.get("type").asText().equals("InvoiceCreated"))
        .toList();
    assertThat(created).hasSize(2);
    JsonNode event = created.stream()
        .filter(line -> line.get("persistenceId").asText().endsWith(priced.id().toString()))
        .findFirst().orElseThrow().get("event");
    assertThat(event.get("price").get("currency").asText()).isEqualTo("EUR");
    assertThat(event.get("rateSource").asText()).isEqualTo("fixed");
    assertThat(Instant.parse(event.get("rateAt").asText())).isEqualTo(eur.at());
    BigDecimal recomputed = new BigDecimal(event.get("price").get("amount").asText())
        .divide(new BigDecimal(event.get("rate").asText()), 2, RoundingMode.UP);
    assertThat(recomputed).as("the amount, recomputed from the exported event alone")
        .isEqualByComparingTo(event.get("amount").asText());
    JsonNode plain = created.stream().filter(line -> line.get("event") != event).map(line -> line.get("event"))
        .filter(e -> !e.has("price")).findFirst().orElseThrow();
    assertThat(plain.has("rate")).as("an amount invoice's creation has no rate fields").isFalse();

    Outcome history = audit(db, "invoice", priced.id().toString());
    assertThat(history.out()).contains("asks 10.87 USDT (price 10 EUR at 0.92 from fixed, ");
  }

  @Test
  void aPricedAmountThatIsNotItsPriceAtItsRateIsAViolation() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    ExchangeRate eur = fixedRate("EUR=0.92", "EUR");
    Invoice roundedDown;
    try (TestNode node = new TestNode(db, ConfigFactory.parseString("stablegate.ask-timeout = 30s"))) {
      // what an engine that rounded down would have journaled: 10 EUR at 0.92 as 10.86
      roundedDown = create(node, new BigDecimal("10.86"),
          new PriceLock(new Price(new BigDecimal("10"), "EUR"), eur.rate(), eur.source(), eur.at()));
    }

    for (Outcome verify : List.of(audit(db, "verify"), audit(db, "verify", "--via-read-journal"))) {
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(AuditCommand.VIOLATION);
      assertThat(verify.out())
          .contains("VIOLATION at " + InvoiceReplay.PERSISTENCE_ID_PREFIX + roundedDown.id() + " sequence number 1: ")
          .contains("InvoiceCreated asks 10.86 USDT, but its price 10 EUR at rate 0.92 is 10.87 USDT");
    }
  }

  private static ExchangeRate fixedRate(String fixed, String currency) {
    RateSource rates = new RateSource(FixedRates.parse(fixed), Duration.ofSeconds(30), Duration.ofMinutes(5),
        new BigDecimal("0.2"), Clock.systemUTC());
    rates.refreshNow();
    return rates.quote(Token.USDT, currency).orElseThrow();
  }

  private static Invoice create(TestNode node, BigDecimal amount, PriceLock lock) throws Exception {
    return node.invoices().create(new NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(),
        Chain.ETHEREUM, Invoices.randomEvmWallet(), amount, "order-" + amount, null, "{}",
        Instant.now().plus(Duration.ofHours(1)), null, lock, Token.USDT))).toCompletableFuture().get();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
