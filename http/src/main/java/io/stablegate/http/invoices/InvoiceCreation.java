package io.stablegate.http.invoices;

import io.stablegate.engine.Failures;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.invoice.PriceLock;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.rates.ExchangeRate;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.Problem;
import io.stablegate.http.Responses;
import io.stablegate.http.invoices.InvoiceRequests.ValidRequest;
import io.stablegate.persistence.merchant.IdempotencyRepository;
import io.stablegate.persistence.merchant.PaymentSettingsRepository;
import java.math.BigDecimal;
import io.stablegate.persistence.merchant.WalletRepository;
import java.math.BigDecimal;
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
 * A {@code price} is converted to the token amount at the rate source's latest fresh rate, which the
 * invoice keeps (docs/api.md, "Prices in fiat").
 */
public final class InvoiceCreation {
  private final InvoiceService invoices;
  private final WalletRepository wallets;
  private final PaymentSettingsRepository paymentSettings;
  private final IdempotencyRepository idempotency;
  private final Blocking blocking;
  private final String publicUrl;
  private final Duration retention;
  private final Clock clock;
  private final RateSource rates;
  private final ChainStatusBoard chains;

  public InvoiceCreation(InvoiceService invoices, WalletRepository wallets, PaymentSettingsRepository paymentSettings,
      IdempotencyRepository idempotency, Blocking blocking, String publicUrl, Duration retention, Clock clock,
      RateSource rates) {
    this(invoices, wallets, paymentSettings, idempotency, blocking, publicUrl, retention, clock, rates, null);
  }

  /**
   * With the chains' latest statuses ({@code chains}, null: none): a token its chain's watcher turned
   * off (no contract code at the configured address, decimals other than configured) is refused.
   */
  public InvoiceCreation(InvoiceService invoices, WalletRepository wallets, PaymentSettingsRepository paymentSettings,
      IdempotencyRepository idempotency, Blocking blocking, String publicUrl, Duration retention, Clock clock,
      RateSource rates, ChainStatusBoard chains) {
    this.chains = chains;
    this.rates = rates;
    this.invoices = invoices;
    this.wallets = wallets;
    this.paymentSettings = paymentSettings;
    this.idempotency = idempotency;
    this.blocking = blocking;
    this.publicUrl = publicUrl;
    this.retention = retention;
    this.clock = clock;
  }

  /** The JSON of the 201 answer. */
  /** {@code livemode} false: a test invoice (test mode), allocated on the wallet's test ledger. */
  public CompletionStage<String> create(UUID merchantId, boolean livemode, ValidRequest request,
      Optional<String> idempotencyKey) {
    // The same Idempotency-Key in the other mode is another request: it never returns the other mode's invoice.
    String fingerprint = livemode ? request.fingerprint() : testFingerprint(request.fingerprint());
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant expiresAt = now.plus(Duration.ofMinutes(request.expiresInMinutes()));
    try {
      checkToken(request); // before the wallet: a token the chain does not serve is wrong whatever the wallets
    } catch (ApiProblem problem) {
      return java.util.concurrent.CompletableFuture.failedFuture(problem);
    }
    return blocking.run(() -> wallets.find(merchantId, request.chain()).orElseThrow(() ->
            ApiProblem.field("chain", "no wallet is set for " + request.chain() + "; PUT /api/v1/wallets/"
                + request.chain() + " first")))
        .thenCompose(address -> {
          Terms terms = terms(request);
          if (idempotencyKey.isEmpty()) {
            return createNow(merchantId, livemode, request, terms, UUID.randomUUID(), address, expiresAt);
          }
          String key = idempotencyKey.get();
          return blocking.run(() -> idempotency.claim(merchantId, key, fingerprint, UUID.randomUUID(),
                  address, expiresAt, now, retention))
              .thenCompose(claim -> {
                if (!claim.requestHash().equals(fingerprint)) {
                  throw ApiProblem.of(422, "Idempotency-Key reused",
                      "This Idempotency-Key was used with another request body in the last 24 hours.");
                }
                if (claim.responseBody().isPresent()) {
                  return CompletableFuture.completedFuture(claim.responseBody().get());
                }
                return createNow(merchantId, livemode, request, terms, claim.invoiceId(), claim.address(), claim.expiresAt())
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

  /** The token amount, and for a priced request the rate it was converted at. */
  private record Terms(BigDecimal amount, PriceLock priceLock) {}

  /**
   * The token must be one the chain serves (400 naming {@code token}). A priced request is converted
   * with the rate source's latest fresh rate, from memory; without one the answer is 503 with
   * Retry-After (the next refresh). An amount request needs no rate.
   */
  private void checkToken(ValidRequest request) {
    if (!invoices.tokens(request.chain()).contains(request.token())) {
      throw ApiProblem.field("token", request.token() + " is not served on " + request.chain() + "; it serves "
          + invoices.tokens(request.chain()).stream().map(Enum::name).sorted().toList());
    }
    ChainStatus status = chains == null ? null : chains.current().get(request.chain());
    String state = status == null ? null : status.tokens().get(request.token().name());
    if (state != null && state.startsWith("off")) {
      throw ApiProblem.field("token", request.token() + " is turned off on " + request.chain() + " ("
          + state.substring(Math.min(state.length(), 5)) + ")");
    }
  }

  private Terms terms(ValidRequest request) {
    checkToken(request);
    Price price = request.price();
    if (price == null) {
      return new Terms(request.amount(), null);
    }
    ExchangeRate rate = rates.quote(request.token(), price.currency()).orElseThrow(() -> new ApiProblem(
        Problem.of(503, "Exchange rate unavailable", "No fresh " + price.currency() + " rate of " + request.token()
            + " from " + rates.sourceName() + " (younger than " + rates.maxAge().toSeconds()
            + " s); retry later, or give amount."),
        Optional.of(rates.refreshInterval())));
    BigDecimal amount = InvoiceRequests.checkConverted(price, rate.rate());
    return new Terms(amount, new PriceLock(price, rate.rate(), rate.source(), rate.at()));
  }

  private CompletionStage<String> createNow(UUID merchantId, boolean livemode, ValidRequest r, Terms terms,
      UUID invoiceId, String address, Instant expiresAt) {
    InvoiceTerms invoiceTerms = new InvoiceTerms(merchantId, r.chain(), address, terms.amount(), r.orderId(),
        r.description(), r.metadataJson(), expiresAt, r.redirectUrl(), terms.priceLock(), r.token(), !livemode);
    // The tolerance in force now goes with the invoice (its creation event carries it).
    return blocking.run(() -> paymentSettings.tolerancePercent(merchantId).orElse(BigDecimal.ZERO))
        .thenCompose(tolerance -> invoices.create(new NewInvoice(invoiceId, invoiceTerms, tolerance)))
        .thenApply(this::render);
  }

  private String render(Invoice invoice) {
    return new String(Responses.bytes(InvoiceView.of(invoice, publicUrl)), StandardCharsets.UTF_8);
  }

  /** A test request's fingerprint: as long as a live one (SHA-256 hex), never equal to it. */
  private static String testFingerprint(String liveFingerprint) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(("test:" + liveFingerprint).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
