package io.stablegate.persistence.expiry;

import com.typesafe.config.Config;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.sweep.DueInvoiceSweeper;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Expires invoices on time, whether or not their entity is awake: every {@code stablegate.expiry.sweep-interval}
 * the due PENDING invoices are read from the {@code invoices} read table and sent {@code Expire}.
 */
public final class ExpirySweeper {

  private ExpirySweeper() {}

  public static void init(ActorSystem<?> system, InvoiceReadRepository invoices, InvoiceService service, Clock clock) {
    Config settings = system.settings().config().getConfig("stablegate.expiry");
    DueInvoiceSweeper.init(system, "expiry-sweeper", settings.getDuration("sweep-interval"),
        settings.getInt("batch-size"), clock, invoices::dueForExpiry, service::expire);
  }
}
