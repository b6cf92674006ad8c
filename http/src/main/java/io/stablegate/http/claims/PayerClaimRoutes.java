package io.stablegate.http.claims;

import com.typesafe.config.Config;
import io.stablegate.engine.Failures;
import io.stablegate.engine.claims.ChainUnavailableException;
import io.stablegate.engine.claims.ClaimTxHash;
import io.stablegate.engine.claims.PayerClaims;
import io.stablegate.engine.claims.PayerClaims.Verdict;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.Problem;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.ClientAddress;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code POST /api/v1/public/invoices/{id}/claims} (no auth): the payer's "paid but not shown?".
 * {@code {txHash}} → 202 {@code {status: "RECORDED" | "CREDITED"}}; a hash not of the invoice's
 * chain's form 400 naming {@code txHash}; a transaction that cannot belong to the invoice 422 whose
 * problem type names the reason ({@code …/problems/claim/<reason>}) and whose detail says it in
 * words; too many claims from one address or for one invoice 429; a chain that cannot be read 503,
 * both with Retry-After. A claim never credits anything (see {@link PayerClaims}).
 */
public final class PayerClaimRoutes extends AllDirectives {
  static final String PROBLEM_BASE = "https://stablegate.io/problems/claim/";

  /** The 202 body. */
  public record ClaimAnswer(String status) {}

  private final PayerClaims claims;
  private final InvoiceService invoices;
  private final RequestBodies bodies;
  private final ClientAddress clientAddress;
  private final ClaimRateLimits limits;

  public PayerClaimRoutes(PayerClaims claims, InvoiceService invoices, ApiSettings api, Config config) {
    this.claims = claims;
    this.invoices = invoices;
    this.bodies = new RequestBodies(api);
    this.clientAddress = new ClientAddress(api.trustedProxies());
    this.limits = new ClaimRateLimits(ClaimSettings.fromConfig(config));
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("public").slash("invoices")
        .slash(PathMatchers.uuidSegment()).slash("claims"), id -> post(() -> clientAddress.extract(address -> {
          limits.forAddress(address);
          return bodies.json(ClaimRequest.class, request -> onSuccess(invoice(id), invoice -> {
            String txHash = ClaimTxHash.canonical(invoice.chain(), request.txHash())
                .orElseThrow(() -> ApiProblem.field("txHash", ClaimTxHash.describe(invoice.chain())));
            limits.forInvoice(id);
            return onSuccess(judge(invoice, txHash), verdict -> complete(answer(verdict)));
          }));
        })));
  }

  private CompletionStage<Invoice> invoice(UUID id) {
    return invoices.get(id).exceptionally(error -> {
      if (Failures.cause(error) instanceof StatusReply.ErrorMessage) {
        throw ApiProblem.notFound("This invoice");
      }
      throw ErrorHandling.toProblem(error);
    });
  }

  private CompletionStage<Verdict> judge(Invoice invoice, String txHash) {
    return claims.claim(invoice, txHash).exceptionally(error -> {
      if (Failures.cause(error) instanceof ChainUnavailableException down) {
        throw new ApiProblem(Problem.of(503, "Service unavailable", "The " + invoice.chain()
            + " network cannot be read right now; try again in a moment."), Optional.of(down.retryAfter()));
      }
      throw ErrorHandling.toProblem(error);
    });
  }

  private static org.apache.pekko.http.javadsl.model.HttpResponse answer(Verdict verdict) {
    return switch (verdict) {
      case Verdict.Credited c -> Responses.json(202, new ClaimAnswer("CREDITED"));
      case Verdict.Recorded r -> Responses.json(202, new ClaimAnswer("RECORDED"));
      case Verdict.Refused refused -> Responses.problem(new ApiProblem(new Problem(
          PROBLEM_BASE + refused.reason().code(), "The transaction cannot pay this invoice", 422,
          refused.detail(), null), Optional.empty()));
    };
  }
}
