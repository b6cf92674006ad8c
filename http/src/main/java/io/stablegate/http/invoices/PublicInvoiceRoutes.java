package io.stablegate.http.invoices;

import io.stablegate.engine.Failures;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.Responses;
import io.stablegate.persistence.merchant.ProfileRepository;
import java.time.Instant;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code GET /api/v1/public/invoices/{id}} (no auth): only what the payer needs to pay. Nothing of
 * the merchant (order id, description, metadata, amounts before the offset) is shown but the shop's
 * display name.
 */
public final class PublicInvoiceRoutes extends AllDirectives {

  /**
   * {@code amountPaid} is the sum of final payments and {@code amountDue} what is still to pay
   * ({@link Invoice#amountDue()}): the checkout page says "received X, send Y more" for a PARTIALLY_PAID
   * invoice, whose {@code payAmount} is then the remainder plus its own offset. {@code redirectUrl} is
   * the shop's return address or null, {@code merchantName} the shop's display name or null.
   */
  public record PublicInvoice(String id, InvoiceStatus status, String chain, String token, String payAmount,
      String address, Instant expiresAt, int confirmations, int requiredConfirmations, String amountPaid,
      String amountDue, boolean paidLate, String redirectUrl, String merchantName) {

    static PublicInvoice of(Invoice invoice, String merchantName) {
      int confirmations = invoice.payments().stream().mapToInt(Payment::confirmations).max().orElse(0);
      return new PublicInvoice(invoice.id().toString(), invoice.status(), invoice.chain().name(), invoice.terms().token().name(),
          Amounts.format(invoice.payAmount()), invoice.address(), invoice.expiresAt(), confirmations,
          invoice.requiredConfirmations(), Amounts.format(invoice.amountPaid()), Amounts.format(invoice.amountDue()),
          invoice.paidLate(), invoice.redirectUrl(), merchantName);
    }
  }

  private final InvoiceService invoices;
  private final ProfileRepository profiles;
  private final Blocking blocking;

  public PublicInvoiceRoutes(InvoiceService invoices, ProfileRepository profiles, Blocking blocking) {
    this.invoices = invoices;
    this.profiles = profiles;
    this.blocking = blocking;
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
              return invoice;
            }).thenCompose(invoice -> blocking.run(() -> PublicInvoice.of(invoice,
                profiles.displayName(invoice.merchantId()).orElse(null)))),
            view -> complete(Responses.json(200, view)))));
  }
}
