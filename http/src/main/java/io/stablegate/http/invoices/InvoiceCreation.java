package io.stablegate.http.invoices;

import io.stablegate.engine.Failures;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.Responses;
import io.stablegate.http.invoices.InvoiceRequests.ValidRequest;
import io.stablegate.persistence.merchant.IdempotencyRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.pattern.StatusReply;

/**
 * Creates invoices with {@code Idempotency-Key} semantics (docs/api.md). The first request with a key
 * claims it in the database and fixes the invoice id, address and expiry; every later request with
 * the same key and body, concurrent or not, creates that same invoice (both entity commands are
 * idempotent for one invoice id), and once the first response is stored, gets it back verbatim. The
 * same key with another body is 422. A refused creation gives its claim up, so it leaves nothing.
 */
public final class InvoiceCreation {
  private final InvoiceService invoices;
  private final WalletRepository wallets;
  private final IdempotencyRepository idempotency;
  private final Blocking blocking;
  private final String publicUrl;
  private final Duration retention;
  private final Clock clock;

  public InvoiceCreation(InvoiceService invoices, WalletRepository wallets, IdempotencyRepository idempotency,
      Blocking blocking, String publicUrl, Duration retention, Clock clock) {
    this.invoices = invoices;
    this.wallets = wallets;
    this.idempotency = idempotency;
    this.blocking = blocking;
    this.publicUrl = publicUrl;
    this.retention = retention;
    this.clock = clock;
  }

  /** The JSON of the 201 answer. */
  public CompletionStage<String> create(UUID merchantId, ValidRequest request, Optional<String> idempotencyKey) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant expiresAt = now.plus(Duration.ofMinutes(request.expiresInMinutes()));
    return blocking.run(() -> wallets.find(merchantId, request.chain()).orElseThrow(() ->
            ApiProblem.field("chain", "no wallet is set for " + request.chain() + "; PUT /api/v1/wallets/"
                + request.chain() + " first")))
        .thenCompose(address -> {
          if (idempotencyKey.isEmpty()) {
            return createNow(merchantId, request, UUID.randomUUID(), address, expiresAt);
          }
          String key = idempotencyKey.get();
          return blocking.run(() -> idempotency.claim(merchantId, key, request.fingerprint(), UUID.randomUUID(),
                  address, expiresAt, now, retention))
              .thenCompose(claim -> {
                if (!claim.requestHash().equals(request.fingerprint())) {
                  throw ApiProblem.of(422, "Idempotency-Key reused",
                      "This Idempotency-Key was used with another request body in the last 24 hours.");
                }
                if (claim.responseBody().isPresent()) {
                  return CompletableFuture.completedFuture(claim.responseBody().get());
                }
                return createNow(merchantId, request, claim.invoiceId(), claim.address(), claim.expiresAt())
                    .handle((body, error) -> {
                      if (error == null) {
                        return blocking.run(() -> {
                          idempotency.complete(merchantId, key, claim.invoiceId(), body);
                          return body;
                        });
                      }
                      if (Failures.cause(error) instanceof StatusReply.ErrorMessage) {
                        return blocking.<String>run(() -> {
                          idempotency.release(merchantId, key, claim.invoiceId());
                          throw new CompletionException(error);
                        });
                      }
                      return CompletableFuture.<String>failedFuture(error);
                    })
                    .thenCompose(stage -> stage);
              });
        });
  }

  private CompletionStage<String> createNow(UUID merchantId, ValidRequest r, UUID invoiceId, String address,
      Instant expiresAt) {
    NewInvoice request = new NewInvoice(invoiceId, new InvoiceTerms(merchantId, r.chain(), address, r.amount(),
        r.orderId(), r.description(), r.metadataJson(), expiresAt));
    return invoices.create(request).thenApply(this::render);
  }

  private String render(Invoice invoice) {
    return new String(Responses.bytes(InvoiceView.of(invoice, publicUrl)), StandardCharsets.UTF_8);
  }
}
