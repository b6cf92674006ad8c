package io.stablegate.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Expiry does not depend on the entity being awake: invoices created on one ActorSystem expire on
 * time on the next one, woken by the sweeper from the read table.
 */
class ExpiryAfterRestartTest {

  @Test
  void invoicesExpireOnTimeAfterTheNodeRestarted() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    String wallet = Invoices.randomEvmWallet();
    Instant expiresAt = Instant.now().plus(Duration.ofSeconds(4));
    List<Invoice> created = new ArrayList<>();
    Invoice longLived;
    try (TestNode node = new TestNode(db)) {
      for (int i = 0; i < 20; i++) {
        created.add(node.invoices().create(Invoices.newInvoice(wallet, "25", expiresAt)).toCompletableFuture().get());
      }
      longLived = node.invoices()
          .create(Invoices.newInvoice(wallet, "25", Instant.now().plus(Duration.ofHours(1))))
          .toCompletableFuture().get();
      assertThat(created).allMatch(i -> i.status() == InvoiceStatus.PENDING);
      // let the projection write the rows the sweeper reads, then stop before anything is due
      Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> projected(node, 21));
    }

    try (TestNode restarted = new TestNode(db)) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        for (Invoice invoice : created) {
          Invoice now = restarted.invoices().get(invoice.id()).toCompletableFuture().get();
          assertThat(now.status()).isEqualTo(InvoiceStatus.EXPIRED);
          assertThat(now.updatedAt()).isAfterOrEqualTo(expiresAt);
        }
      });
      assertThat(restarted.invoices().get(longLived.id()).toCompletableFuture().get().status())
          .isEqualTo(InvoiceStatus.PENDING);
    }
  }

  private static boolean projected(TestNode node, int count) throws Exception {
    try (var c = node.database().dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM invoices")) {
      rs.next();
      return rs.getInt(1) == count;
    }
  }
}
