package io.stablegate.persistence.webhook;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM, for {@link WebhookDeliveryAfterKillTest}: a whole node (through the composition
 * root) over the given database, one merchant with a webhook endpoint, and optionally one invoice to create
 * and cancel (which makes an {@code invoice.cancelled} event). Runs until it is killed.
 *
 * <p>Arguments: dbUrl dbUser dbPassword merchantId webhookUrl secret retrySchedule [invoiceIdToCancel]
 */
public final class WebhookNodeMain {

  public static void main(String[] args) throws Exception {
    DbCoordinates db = new DbCoordinates(args[0], args[1], args[2]);
    UUID merchantId = UUID.fromString(args[3]);
    TestNode node = new TestNode(db, ConfigFactory.parseString(
        "stablegate.webhook.retry-schedule = \"" + args[6] + "\"\nstablegate.webhook.jitter = 0\n"
            // a cold JVM on a busy machine: be patient with the first asks
            + "stablegate.ask-timeout = 20s"));
    node.webhookEndpoint(merchantId, args[4], args[5]);
    if (args.length > 7) {
      UUID invoiceId = UUID.fromString(args[7]);
      NewInvoice invoice = new NewInvoice(invoiceId, new InvoiceTerms(merchantId, Chain.ETHEREUM,
          Invoices.randomEvmWallet(), new BigDecimal("12.5"), "kill-test", null, "{}",
          Instant.now().plus(Duration.ofHours(1))));
      // creation is idempotent by invoice id: retry while the node warms up
      for (int attempt = 1; ; attempt++) {
        try {
          node.invoices().create(invoice).toCompletableFuture().get(60, TimeUnit.SECONDS);
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          if (attempt == 5) {
            throw e;
          }
        }
      }
      node.invoices().cancel(invoiceId).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    node.system().getWhenTerminated().toCompletableFuture().get();
  }

  private WebhookNodeMain() {}
}
