package io.stablegate.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Invoices are replayed concurrently, so credits reach {@link CreditedTransfers} in any order: the
 * double credits it reports must not depend on that order. Every credit of a transfer but the
 * earliest in the journal's order is a violation, in every order and whatever the batch size.
 */
class CreditedTransfersTest {
  private static final TransferKey KEY = new TransferKey(Chain.ETHEREUM, "0x" + "ab".repeat(32), 3);

  @Test
  void everyCreditButTheEarliestIsNamedWhateverTheOrder() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    Credit first = credit("Invoice|c", 1);
    Credit second = credit("Invoice|a", 2);
    Credit third = credit("Invoice|b", 3);
    Set<String> expected = Set.of("Invoice|a", "Invoice|b");
    for (List<Credit> order : permutations(List.of(first, second, third))) {
      for (int batchSize : List.of(1, 2, 100)) {
        List<Violation> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
            CreditedTransfers credits = new CreditedTransfers(c, batchSize, found::add)) {
          for (Credit credit : order) {
            credits.add(credit);
          }
          credits.flush();
          Violation named = found.stream().min(Findings.ORDER).orElseThrow();
          assertThat(credits.explain(named).message()).isEqualTo("transfer " + KEY
              + " credited again: it was already credited to Invoice|c (event 4)");
          List<Credit> kept = new ArrayList<>();
          credits.forEach(10, kept::add);
          assertThat(kept).as("kept for --onchain").containsExactly(first);
        }
        Set<String> named = new TreeSet<>();
        found.forEach(v -> named.add(v.persistenceId()));
        assertThat(named).as("order %s, batch %d", order.stream().map(Credit::ordering).toList(), batchSize)
            .isEqualTo(expected);
        assertThat(found).hasSize(2);
      }
    }
  }

  private static Credit credit(String persistenceId, long ordering) {
    return new Credit(KEY, persistenceId, 4, ordering, "0x" + "11".repeat(20), new BigDecimal("10.5"), 100,
        "0x" + "cd".repeat(32), io.stablegate.engine.money.Token.USDT);
  }

  private static List<List<Credit>> permutations(List<Credit> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<Credit>> all = new ArrayList<>();
    for (Credit head : items) {
      List<Credit> rest = new ArrayList<>(items);
      rest.remove(head);
      for (List<Credit> tail : permutations(rest)) {
        List<Credit> one = new ArrayList<>();
        one.add(head);
        one.addAll(tail);
        all.add(one);
      }
    }
    return all;
  }
}
