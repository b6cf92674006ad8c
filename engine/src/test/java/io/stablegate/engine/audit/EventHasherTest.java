package io.stablegate.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceDraft;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventHasherTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("EventHasherTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  public record Sample(String zeta, String alpha, int mid, Map<String, Integer> map) {}

  /** Two versions of one event: the newer one gained an optional field. */
  static final class V1 {
    public record Evolving(String name, BigDecimal amount) {}
  }

  static final class V2 {
    public record Evolving(String name, BigDecimal amount, String addedLater) {}
  }

  public record WithAmount(BigDecimal amount) {}

  @Test
  void sortsKeysAndNamesTheType() {
    String canonical = new String(
        EventHasher.canonicalBytes(new Sample("z", "a", 1, Map.of("b", 2, "a", 1))), StandardCharsets.UTF_8);
    assertThat(canonical)
        .isEqualTo("{\"event\":{\"alpha\":\"a\",\"map\":{\"a\":1,\"b\":2},\"mid\":1,\"zeta\":\"z\"},\"type\":\"Sample\"}");
  }

  @Test
  void leavesNullFieldsOutSoAnAddedOptionalFieldKeepsOldHashes() {
    V1.Evolving before = new V1.Evolving("x", new BigDecimal("1"));
    V2.Evolving after = new V2.Evolving("x", new BigDecimal("1"), null);
    assertThat(EventHasher.canonicalBytes(after)).isEqualTo(EventHasher.canonicalBytes(before));
    assertThat(EventHasher.hash(after)).isEqualTo(EventHasher.hash(before));
    assertThat(EventHasher.hash(new V2.Evolving("x", new BigDecimal("1"), "set"))).isNotEqualTo(EventHasher.hash(before));
  }

  @Test
  void hashesEqualAmountsEqually() {
    assertThat(EventHasher.hash(new WithAmount(new BigDecimal("10.50"))))
        .isEqualTo(EventHasher.hash(new WithAmount(new BigDecimal("10.5"))));
    assertThat(EventHasher.hash(new WithAmount(new BigDecimal("1E+3"))))
        .isEqualTo(EventHasher.hash(new WithAmount(new BigDecimal("1000"))));
    assertThat(new String(EventHasher.canonicalBytes(new WithAmount(new BigDecimal("10.50"))), StandardCharsets.UTF_8))
        .contains("\"amount\":\"10.5\"");
    assertThat(EventHasher.hash(new WithAmount(new BigDecimal("10.51"))))
        .isNotEqualTo(EventHasher.hash(new WithAmount(new BigDecimal("10.5"))));
  }

  @Test
  void writesInstantsAsIsoText() {
    record At(Instant at) {}
    assertThat(new String(EventHasher.canonicalBytes(new At(Instant.parse("2026-01-02T03:04:05.123Z"))),
        StandardCharsets.UTF_8)).contains("\"at\":\"2026-01-02T03:04:05.123Z\"");
  }

  @Test
  void isLowerCaseHexSha256AndChangesWithThePreviousHash() {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    UUID webhook = UUID.randomUUID();
    String first = EventHasher.hash(new InvoiceExpired(id, webhook, at, EventHasher.GENESIS));
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(EventHasher.GENESIS).isEqualTo("0".repeat(64));
    assertThat(EventHasher.hash(new InvoiceExpired(id, webhook, at, first))).isNotEqualTo(first);
    // Same fields, another event type: another hash.
    assertThat(EventHasher.hash(new InvoiceCancelled(id, webhook, at, EventHasher.GENESIS))).isNotEqualTo(first);
  }

  /**
   * An InvoiceCreated hashes exactly as those already journaled: its canonical encoding is fixed, so
   * the Java side may change (it is made from and read as an InvoiceDraft) but never this.
   */
  @Test
  void anInvoiceCreatedEncodesAsEveryJournaledOneDid() {
    InvoiceDraft draft = new InvoiceDraft(new InvoiceTerms(UUID.fromString("1d7e4a2b-8c3f-4e6a-b5d9-2a1f0e9c8b07"),
        Chain.TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", new BigDecimal("25.50"), "order-42", null, "{\"cart\":7}",
        Instant.parse("2026-11-28T12:30:00Z")), new BigDecimal("25.5001"), 20);
    InvoiceCreated created = InvoiceCreated.of(UUID.fromString("7f0c5f2e-3b1a-4c55-9a57-0d2f6b1c9e01"), draft,
        Instant.parse("2026-11-28T12:00:00.123Z"), EventHasher.GENESIS);

    assertThat(new String(EventHasher.canonicalBytes(created), StandardCharsets.UTF_8)).isEqualTo("{\"event\":{"
        + "\"address\":\"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\",\"amount\":\"25.5\",\"at\":\"2026-11-28T12:00:00.123Z\","
        + "\"chain\":\"TRON\",\"expiresAt\":\"2026-11-28T12:30:00Z\","
        + "\"invoiceId\":\"7f0c5f2e-3b1a-4c55-9a57-0d2f6b1c9e01\","
        + "\"merchantId\":\"1d7e4a2b-8c3f-4e6a-b5d9-2a1f0e9c8b07\","
        + "\"metadataJson\":\"{\\\"cart\\\":7}\",\"orderId\":\"order-42\",\"payAmount\":\"25.5001\","
        + "\"prevHash\":\"" + EventHasher.GENESIS + "\",\"requiredConfirmations\":20},\"type\":\"InvoiceCreated\"}");
    assertThat(EventHasher.hash(created)).isEqualTo("01992b9fd06950dd710bb6ab6cd70f48f284d9de1aa56b1b27b66948b7d0f404");
    assertThat(created.draft()).isEqualTo(draft);
  }

  @Test
  void anInvoiceAskedInUsdtHashesAsBeforePricesExistedAndAPricedOneHashesItsPriceAndRate() {
    List<InvoiceEvent> events = everyInvoiceEvent();
    String plain = new String(EventHasher.canonicalBytes(events.get(0)), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(plain).doesNotContain("price", "rate");
    String priced = new String(EventHasher.canonicalBytes(events.get(1)), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(priced).contains("\"price\":{\"amount\":\"10\",\"currency\":\"EUR\"}", "\"rate\":\"0.92\"",
        "\"rateAt\":\"2026-11-28T12:30:00.123456789Z\"", "\"rateSource\":\"coinbase\"")
        .doesNotContain("priceLock");
    InvoiceCreated created = (InvoiceCreated) events.get(1);
    InvoiceCreated otherRate = new InvoiceCreated(created.invoiceId(), created.merchantId(), created.chain(),
        created.address(), created.amount(), created.payAmount(), created.orderId(), created.description(),
        created.metadataJson(), created.expiresAt(), created.requiredConfirmations(), created.price(),
        new BigDecimal("0.93"), created.rateSource(), created.rateAt(), created.at(), created.prevHash());
    assertThat(EventHasher.hash(otherRate)).isNotEqualTo(EventHasher.hash(created));
  }

  /**
   * The canonical bytes are written directly (the two outer keys in order, instants without
   * DateTimeFormatter); they must be byte for byte what the first version wrote: a map of "type"
   * and "event" sorted by the mapper, instants by the JavaTimeModule.
   */
  @Test
  void encodesEveryEventExactlyAsTheMapBasedEncodingDid() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper before = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
        .addModule(io.stablegate.engine.money.AmountJson.module())
        .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
        .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_CREATOR_PROPERTIES_FIRST, false)
        .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
        .configure(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
        .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        .build();
    List<Object> events = new java.util.ArrayList<>(everyInvoiceEvent());
    events.add(new Sample("z\u00e9\"quoted\"", "a\n", 1, Map.of("b", 2, "a", 1)));
    events.add(new WithAmount(new BigDecimal("1E+3")));
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-11-28T12:00:00.000120Z");
    PaymentDetected detected = (PaymentDetected) everyInvoiceEvent().get(2);
    events.add(new InvoiceEvent.PaymentAttached(id, detected.transfer(),
        new io.stablegate.engine.credit.Attribution(UUID.randomUUID(), io.stablegate.engine.credit.Attribution.Via.API_KEY),
        new BigDecimal("0.50"), at, "ef".repeat(32)));
    events.add(new InvoiceEvent.InvoicePartiallyPaid(id, new BigDecimal("10.00"), new BigDecimal("0.5"),
        new BigDecimal("0.5002"), UUID.randomUUID(), at, "ef".repeat(32)));
    events.add(new InvoiceEvent.InvoiceOverpaid(id, new BigDecimal("11"), UUID.randomUUID(), at, "ef".repeat(32)));
    events.add(new InvoiceEvent.WebhookAttempted(id, UUID.randomUUID(), 2, at, 503, "Service \"Unavailable\" \u2013 retry",
        1234, io.stablegate.engine.invoice.WebhookDelivery.Status.PENDING, at.plusSeconds(300), at, "ef".repeat(32)));
    events.add(new InvoiceEvent.WebhookAttempted(id, UUID.randomUUID(), 1, at, null, null, 5,
        io.stablegate.engine.invoice.WebhookDelivery.Status.DELIVERED, null, at, "ef".repeat(32), UUID.randomUUID()));
    events.add(new InvoiceEvent.WebhookEndpointsResolved(id, UUID.randomUUID(),
        List.of(UUID.randomUUID(), UUID.randomUUID()), at, "ef".repeat(32)));
    events.add(new InvoiceEvent.WebhookRedeliveryRequested(id, UUID.randomUUID(), at, "ef".repeat(32)));
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 2_000; i++) {
      events.add(new InvoiceExpired(new UUID(random.nextLong(), random.nextLong()), UUID.randomUUID(),
          Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000_000_000), random.nextInt(4) == 0 ? 0
              : random.nextInt(1_000_000_000)), "cd".repeat(32)));
    }
    for (Object event : events) {
      byte[] expected = before.writeValueAsBytes(Map.of("type", event.getClass().getSimpleName(), "event", event));
      assertThat(new String(EventHasher.canonicalBytes(event), StandardCharsets.UTF_8))
          .isEqualTo(new String(expected, StandardCharsets.UTF_8));
      assertThat(EventHasher.hash(event)).isEqualTo(java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(expected)));
    }
  }

  @Test
  void aCborRoundTripThroughPekkosSerializerKeepsTheHash() {
    for (InvoiceEvent event : everyInvoiceEvent()) {
      InvoiceEvent copy = testKit.serializationTestKit().verifySerialization(event, false);
      assertThat(copy).as(event.getClass().getSimpleName()).isEqualTo(event);
      assertThat(EventHasher.hash(copy)).as(event.getClass().getSimpleName()).isEqualTo(EventHasher.hash(event));
    }
  }

  /** One of each invoice event, with trailing zeros and nanoseconds where a careless encoding would lose them. */
  static List<InvoiceEvent> everyInvoiceEvent() {
    UUID id = UUID.fromString("0b6f3a8e-3f1c-4c52-9d2e-6f0e8c4d2a11");
    Instant at = Instant.parse("2026-11-28T12:00:00.123Z");
    Instant nanos = Instant.parse("2026-11-28T12:30:00.123456789Z");
    String prev = "ab".repeat(32);
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + "12".repeat(32), 3,
        "0xde709f2102306220921060314715629080e2fb77", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        new BigDecimal("10.50030"), 123, "0x" + "34".repeat(32), Instant.parse("2026-11-28T12:01:00Z"));
    return List.of(
        new InvoiceCreated(id, UUID.randomUUID(), Chain.ETHEREUM, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            new BigDecimal("10.50"), new BigDecimal("10.5003"), "A-1", null, "{\"k\":[1,2]}", nanos, 12, at,
            EventHasher.GENESIS),
        new InvoiceCreated(id, UUID.randomUUID(), Chain.ETHEREUM, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            new BigDecimal("10.87"), new BigDecimal("10.8701"), "A-2", null, null, nanos, 12,
            new Price(new BigDecimal("10.00"), "EUR"), new BigDecimal("0.920"), "coinbase", nanos, at,
            EventHasher.GENESIS),
        new PaymentDetected(id, transfer, 1, UUID.randomUUID(), at, prev),
        new PaymentConfirmationsUpdated(id, transfer.txHash(), 3, 5, at, prev),
        new PaymentConfirmed(id, transfer.txHash(), 3, 12, at, prev),
        new PaymentReverted(id, transfer.txHash(), 3, UUID.randomUUID(), at, prev),
        new InvoicePaid(id, new BigDecimal("21.00060"), true, UUID.randomUUID(), at, prev),
        new InvoiceExpired(id, UUID.randomUUID(), at, prev),
        new InvoiceCancelled(id, UUID.randomUUID(), at, prev));
  }
}
