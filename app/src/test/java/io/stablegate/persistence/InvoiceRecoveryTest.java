package io.stablegate.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.listing.InvoiceListRepository;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Invoices persisted through sharded entities on PostgreSQL come back unchanged in a new ActorSystem. */
class InvoiceRecoveryTest {

  @Test
  void thousandInvoicesSurviveARestartUnchanged() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    // Twenty merchants' wallets: each wallet's ledger allocates one payAmount at a time.
    List<String> wallets = java.util.stream.Stream.generate(Invoices::randomEvmWallet).limit(20).toList();
    Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
    List<Invoice> created;
    try (TestNode node = new TestNode(db)) {
      created = new ArrayList<>();
      // 50 creators at a time, as an HTTP front end with bounded concurrency would send them
      for (int batch = 0; batch < 20; batch++) {
        List<CompletableFuture<Invoice>> creations = new ArrayList<>();
        for (int i = batch * 50; i < (batch + 1) * 50; i++) {
          creations.add(node.invoices()
              .create(Invoices.newInvoice(wallets.get(i % 20), (10 + i / 20) + ".5", expiresAt))
              .toCompletableFuture());
        }
        CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).get();
        creations.forEach(c -> created.add(c.join()));
      }

      // the read table as the API lists it: each test invoice is its merchant's only one
      InvoiceListRepository readTable = node.repositories().invoiceListings();
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        for (Invoice invoice : created) {
          assertThat(readTable.list(invoice.merchantId(), true, Optional.empty(), Optional.empty(), 2, Optional.empty())
              .items()).containsExactly(invoice);
        }
      });
    }

    try (TestNode restarted = new TestNode(db)) {
      Map<UUID, Invoice> recovered = new java.util.HashMap<>();
      for (Invoice invoice : created) {
        recovered.put(invoice.id(), restarted.invoices().get(invoice.id()).toCompletableFuture().get());
      }
      assertThat(recovered).hasSize(1000);
      assertThat(recovered).isEqualTo(created.stream().collect(Collectors.toMap(Invoice::id, Function.identity())));
    }
  }
}
