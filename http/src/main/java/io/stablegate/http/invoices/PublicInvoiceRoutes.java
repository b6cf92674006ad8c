package io.stablegate.http.invoices;

import io.stablegate.engine.Failures;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.Responses;
import java.time.Instant;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code GET /api/v1/public/invoices/{id}} (no auth): only what the payer needs to pay. Nothing of
 * the merchant (order id, description, metadata, amounts before the offset) is shown.
 */
public final class PublicInvoiceRoutes extends AllDirectives {

  public record PublicInvoice(String id, InvoiceStatus status, String chain, String token, String payAmount,
      String address, Instant expiresAt, int confirmations, int requiredConfirmations) {

    static PublicInvoice of(Invoice invoice) {
      int confirmations = invoice.payments().stream().mapToInt(Payment::confirmations).max().orElse(0);
      return new PublicInvoice(invoice.id().toString(), invoice.status(), invoice.chain().name(), InvoiceView.TOKEN,
          Amounts.format(invoice.payAmount()), invoice.address(), invoice.expiresAt(), confirmations,
          invoice.requiredConfirmations());
    }
  }

  private final InvoiceService invoices;

  public PublicInvoiceRoutes(InvoiceService invoices) {
    this.invoices = invoices;
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("public").slash("invoices")
        .slash(PathMatchers.uuidSegment()), id -> get(() -> onSuccess(
            invoices.get(id).handle((invoice, error) -> {
              if (error != null) {
                if (Failures.cause(error) instanceof StatusReply.ErrorMessage) {
                  throw ApiProblem.notFound("This invoice");
                }
                throw ErrorHandling.toProblem(error);
              }
              return PublicInvoice.of(invoice);
            }),
            view -> complete(Responses.json(200, view)))));
  }
}
