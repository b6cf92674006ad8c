package io.stablegate.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** 500 creations at once for one wallet and one amount: 100 distinct payAmounts, 400 clear refusals. */
class PayAmountConcurrencyTest {

  @Test
  void onlyOneHundredDistinctPayAmountsExistPerWalletAndAmount() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    String wallet = Invoices.randomEvmWallet();
    Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
    try (TestNode node = new TestNode(db)) {
      List<CompletableFuture<Invoice>> creations = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        creations.add(node.invoices().create(Invoices.newInvoice(wallet, "10.5", expiresAt)).toCompletableFuture());
      }
      List<Invoice> created = new ArrayList<>();
      List<Throwable> refused = new ArrayList<>();
      for (CompletableFuture<Invoice> creation : creations) {
        try {
          created.add(creation.join());
        } catch (CompletionException e) {
          refused.add(e.getCause());
        }
      }

      assertThat(created).hasSize(100);
      Set<BigDecimal> payAmounts = created.stream().map(Invoice::payAmount).collect(Collectors.toSet());
      assertThat(payAmounts).hasSize(100);
      assertThat(payAmounts).contains(new BigDecimal("10.5"), new BigDecimal("10.5099"));
      assertThat(refused).hasSize(400).allSatisfy(error -> {
        assertThat(error).isInstanceOf(StatusReply.ErrorMessage.class);
        assertThat(error.getMessage()).contains("payAmounts for 10.5 on this wallet are taken");
      });
    }
  }
}
