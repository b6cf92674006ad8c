package io.stablegate.http.testmode;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.Failures;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentSimulator;
import io.stablegate.engine.payment.PaymentSimulator.SimulatedPayment;
import io.stablegate.engine.payment.PaymentSimulator.SimulationRefused;
import io.stablegate.engine.payment.ResolutionRefused;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code POST /api/v1/test/invoices/{id}/payments} (test API key only; the live key gets 404): a
 * simulated transfer to a test invoice through the real matching, confirmation and webhook path
 * ({@link PaymentSimulator}). Answers 200 with the invoice the transfer paid, as it stands after it.
 */
public final class TestPaymentRoutes extends AllDirectives {

  /** The body; {@code amount} defaults to the invoice's payAmount, {@code confirmations} to its required ones. */
  public record SimulatedPaymentRequest(
      @Pattern(regexp = "(0|[1-9][0-9]{0,15})(\\.[0-9]{1,6})?",
          message = "must be a decimal string with at most 6 decimals, like \"10.5\"") String amount,
      @Min(0) @Max(1000) Integer confirmations) {}

  private final MerchantAuthentication auth;
  private final InvoiceService invoices;
  private final PaymentSimulator simulator;
  private final RequestBodies bodies;
  private final String publicUrl;

  public TestPaymentRoutes(MerchantAuthentication auth, InvoiceService invoices, PaymentSimulator simulator,
      RequestBodies bodies, String publicUrl) {
    this.auth = auth;
    this.invoices = invoices;
    this.simulator = simulator;
    this.bodies = bodies;
    this.publicUrl = publicUrl;
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("test").slash("invoices")
            .slash(PathMatchers.uuidSegment()).slash("payments"),
        id -> post(() -> auth.testApiKey(merchantId -> bodies.json(SimulatedPaymentRequest.class,
            request -> onSuccess(simulate(merchantId, id, request),
                invoice -> complete(Responses.json(200, InvoiceView.of(invoice, publicUrl))))))));
  }

  private CompletionStage<Invoice> simulate(UUID merchantId, UUID invoiceId, SimulatedPaymentRequest request) {
    BigDecimal amount = request.amount() == null ? null : Amounts.parse(request.amount());
    if (amount != null && amount.signum() <= 0) {
      throw ApiProblem.field("amount", "must be greater than 0");
    }
    return testInvoice(merchantId, invoiceId).thenCompose(invoice -> simulator.simulate(invoice,
            new SimulatedPayment(amount == null ? invoice.payAmount() : amount,
                request.confirmations() == null ? invoice.requiredConfirmations() : request.confirmations()),
            new Attribution(merchantId, Attribution.Via.API_KEY)))
        .exceptionally(error -> {
          Throwable cause = Failures.cause(error);
          if (cause instanceof SimulationRefused refused) {
            throw refused.field() == null ? ApiProblem.of(409, "Conflict", refused.getMessage())
                : ApiProblem.field(refused.field(), refused.getMessage());
          }
          if (cause instanceof ResolutionRefused refused) {
            throw ApiProblem.of(409, "Conflict", "The simulated transfer could not be credited: "
                + refused.getMessage());
          }
          throw ErrorHandling.toProblem(error);
        });
  }

  /** The merchant's test invoice; 404 for a live one, another merchant's, or none. */
  private CompletionStage<Invoice> testInvoice(UUID merchantId, UUID invoiceId) {
    return invoices.get(invoiceId).handle((invoice, error) -> {
      if (error != null) {
        if (Failures.cause(error) instanceof StatusReply.ErrorMessage) {
          throw ApiProblem.notFound("This test invoice");
        }
        throw ErrorHandling.toProblem(error);
      }
      if (!invoice.merchantId().equals(merchantId) || invoice.livemode()) {
        throw ApiProblem.notFound("This test invoice");
      }
      return invoice;
    });
  }
}
