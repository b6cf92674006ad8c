package io.stablegate.app.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.WebhookDelivery;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit's decoding of stored rows gives exactly the events Pekko's serializer gives, hashes included. */
class EventDecoderTest {
  private static ActorSystem<Void> system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    // exit-jvm off: the node's configuration exits the JVM when its ActorSystem terminates, which would end
    // this test JVM (and every test class after this one in it)
    system = ActorSystem.create(Behaviors.empty(), "event-decoder-test", ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.coordinated-shutdown.exit-jvm = off
        """).withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(system.classicSystem());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static List<Object> events() {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-11-28T12:00:00.123Z");
    Instant nanos = Instant.parse("2026-11-28T12:30:00.123456789Z");
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + "12".repeat(32), 3,
        "0xde709f2102306220921060314715629080e2fb77", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        new BigDecimal("10.50030"), 123, "0x" + "34".repeat(32), Instant.parse("2026-11-28T12:01:00Z"));
    String prev = "ab".repeat(32);
    return List.of(
        new InvoiceCreated(id, UUID.randomUUID(), Chain.ETHEREUM, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            new BigDecimal("10.87"), new BigDecimal("10.8701"), "A-2", "caf\u00e9 \"quoted\"", "{\"k\":[1,2]}", nanos,
            12, new Price(new BigDecimal("10.00"), "EUR"), new BigDecimal("0.920"), "coinbase", nanos, at,
            EventHasher.GENESIS),
        new PaymentDetected(id, transfer, 1, UUID.randomUUID(), at, prev),
        new InvoiceEvent.PaymentConfirmationsUpdated(id, transfer.txHash(), 3, 5, Instant.EPOCH, prev),
        new PaymentConfirmed(id, transfer.txHash(), 3, 12, Instant.parse("1999-12-31T23:59:59.999999Z"), prev),
        new InvoiceEvent.PaymentAttached(id, transfer, new Attribution(UUID.randomUUID(), Attribution.Via.SESSION),
            new BigDecimal("0"), at, prev),
        new InvoicePaid(id, new BigDecimal("21.00060"), true, UUID.randomUUID(), at, prev),
        new InvoiceEvent.WebhookAttempted(id, UUID.randomUUID(), 2, at, null, null, 12, WebhookDelivery.Status.FAILED,
            null, at, prev),
        new InvoiceEvent.WebhookEndpointsResolved(id, UUID.randomUUID(), List.of(UUID.randomUUID()), at, prev));
  }

  @Test
  void decodesEveryEventAsPekkoDoesTheFirstAndLaterTimes() throws Exception {
    EventDecoder decoder = new EventDecoder(system.classicSystem());
    for (int round = 0; round < 3; round++) {
      for (Object event : events()) {
        Serializer serializer = serialization.findSerializerFor(event);
        String manifest = Serializers.manifestFor(serializer, event);
        byte[] payload = serialization.serialize(event).get();
        Object pekkos = serialization.deserialize(payload, serializer.identifier(), manifest).get();

        Object decoded = decoder.decode(serializer.identifier(), manifest, payload);

        assertThat(decoded).as(manifest).isEqualTo(pekkos).isEqualTo(event);
        assertThat(EventHasher.hash(decoded)).isEqualTo(EventHasher.hash(event));
      }
    }
  }

  /** What the cached reader cannot read goes through Pekko, which names the problem. */
  @Test
  void aPayloadTheFastWayCannotReadFailsAsPekkosWay() {
    EventDecoder decoder = new EventDecoder(system.classicSystem());
    Object event = events().get(1);
    Serializer serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    byte[] payload = serialization.serialize(event).get();
    decoder.decode(serializer.identifier(), manifest, payload);
    byte[] truncated = java.util.Arrays.copyOf(payload, payload.length / 2);

    assertThatThrownBy(() -> decoder.decode(serializer.identifier(), manifest, truncated))
        .isInstanceOf(Exception.class);
    assertThatThrownBy(() -> decoder.decode(serializer.identifier(), "io.stablegate.NoSuchClass", payload))
        .isInstanceOf(Exception.class);
  }
}
