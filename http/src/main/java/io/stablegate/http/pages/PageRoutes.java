package io.stablegate.http.pages;

import com.typesafe.config.Config;
import io.stablegate.engine.Failures;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.persistence.merchant.ProfileRepository;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of the node: the dashboard ({@code /}, {@code /dashboard/}), the API reference
 * ({@code /docs/api}, Swagger UI over {@code /api/v1/openapi.json}), the hosted checkout
 * page {@code /pay/{id}} with its QR code {@code /pay/{id}/qr.png}, and the static assets under
 * {@code /assets/<version>/}. Responses are gzipped when the browser accepts it. The security headers
 * (CSP and friends) are added around every route by the API's composition; pages set their own
 * Cache-Control, which takes precedence over the API's {@code no-store}.
 */
public final class PageRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(PageRoutes.class);

  /** Versioned assets never change under their URL. */
  private static final HttpHeader CACHE_FOREVER = RawHeader.create("Cache-Control", "public, max-age=31536000, immutable");
  /** Pages name the current asset version, so the browser must ask each time (cheap: they are small). */
  private static final HttpHeader REVALIDATE = RawHeader.create("Cache-Control", "no-cache");
  /** The checkout page shows live state; intermediaries must not keep it. */
  private static final HttpHeader PRIVATE_NO_STORE = RawHeader.create("Cache-Control", "no-store");
  /** A QR code depends only on the invoice's address and payAmount, both named by its URL. */
  private static final HttpHeader CACHE_QR = RawHeader.create("Cache-Control", "public, max-age=86400, immutable");

  private final InvoiceService invoices;
  private final ProfileRepository profiles;
  private final Blocking blocking;
  private final Map<Chain, Map<Token, PaymentToken>> tokens;
  private final StaticAssets assets;
  private final CheckoutPage checkout;
  private final int qrPixelsPerModule;
  private final byte[] dashboard;
  private final byte[] apiReference;
  private final byte[] notFoundPage;
  private final byte[] unavailablePage;

  public PageRoutes(InvoiceService invoices, ProfileRepository profiles, Blocking blocking, Config config) {
    this.invoices = invoices;
    this.profiles = profiles;
    this.blocking = blocking;
    this.tokens = PaymentToken.fromConfig(config);
    this.assets = StaticAssets.load();
    this.qrPixelsPerModule = config.getInt("stablegate.pages.qr-pixels-per-module");
    this.checkout = new CheckoutPage(assets, qrPixelsPerModule);
    this.dashboard = assets.page("dashboard.html").getBytes(StandardCharsets.UTF_8);
    this.apiReference = assets.page("api-reference.html").getBytes(StandardCharsets.UTF_8);
    this.notFoundPage = assets.page("not-found.html").getBytes(StandardCharsets.UTF_8);
    this.unavailablePage = assets.page("unavailable.html").getBytes(StandardCharsets.UTF_8);
  }

  public Route route() {
    return encodeResponse(() -> get(() -> concat(
        pathSingleSlash(() -> redirect(org.apache.pekko.http.javadsl.model.Uri.create("/dashboard/"),
            StatusCodes.FOUND)),
        path("dashboard", () -> redirect(org.apache.pekko.http.javadsl.model.Uri.create("/dashboard/"),
            StatusCodes.MOVED_PERMANENTLY)),
        pathPrefix("dashboard", () -> pathSingleSlash(() -> html(200, dashboard, REVALIDATE))),
        pathPrefix("docs", () -> path("api", () -> html(200, apiReference, REVALIDATE))),
        pathPrefix("assets", () -> pathPrefix(assets.version(), () -> path(PathMatchers.segment(), this::asset))),
        pathPrefix("pay", () -> pathPrefix(PathMatchers.uuidSegment(), id -> concat(
            pathEnd(() -> parameterOptional("lang", lang -> optionalHeaderValueByName("Accept-Language",
                accept -> checkoutPage(id, language(lang, accept))))),
            path("qr.png", () -> parameterOptional("amount", amount -> qrCode(id, amount)))))))));
  }

  /**
   * The checkout's language: {@code ?lang=} when given (an unknown code is a 400 naming {@code lang}),
   * else the first of {@code Accept-Language} the page speaks, else English.
   */
  static CheckoutLanguage language(java.util.Optional<String> lang, java.util.Optional<String> acceptLanguage) {
    if (lang.isPresent()) {
      return CheckoutLanguage.parse(lang.get()).orElseThrow(() ->
          ApiProblem.field("lang", "must be one of " + CheckoutLanguage.codes()));
    }
    return CheckoutLanguage.fromAcceptLanguage(acceptLanguage);
  }

  /**
   * The invoice's token on its chain. An invoice whose token's contract was since set to {@code none}
   * keeps its token; it is named by the chain's USDT entry for its network (its QR code then has no
   * contract to name: the page shows the address and amount as text).
   */
  private PaymentToken token(Invoice invoice) {
    Map<Token, PaymentToken> onChain = tokens.get(invoice.chain());
    PaymentToken token = onChain.get(invoice.token());
    if (token != null) {
      return token;
    }
    long chainId = onChain.values().stream().findFirst().map(PaymentToken::chainId).orElse(0L);
    return new PaymentToken(invoice.chain(), invoice.token(), chainId, "", 6);
  }

  private Route asset(String name) {
    return assets.get(name)
        .map(a -> complete(HttpResponse.create().withEntity(a.contentType(), a.bytes()).addHeader(CACHE_FOREVER)))
        .orElseGet(() -> html(404, notFoundPage, REVALIDATE));
  }

  private Route checkoutPage(UUID id, CheckoutLanguage language) {
    return onSuccess(find(id).thenCompose(this::withMerchantName), found -> switch (found) {
      case Found.Yes yes -> complete(HttpResponse.create().withStatus(200).withEntity(ContentTypes.TEXT_HTML_UTF8,
          checkout.render(yes.invoice(), token(yes.invoice()), yes.merchantName(), language)
              .getBytes(StandardCharsets.UTF_8))
          .addHeaders(List.of(PRIVATE_NO_STORE, RawHeader.create("Vary", "Accept-Language"))));
      case Found.No no -> html(404, notFoundPage, REVALIDATE);
      case Found.Unavailable u -> html(503, unavailablePage, PRIVATE_NO_STORE);
    });
  }

  /**
   * The QR code of the invoice's current payAmount. A partial credit gives the invoice a new
   * payAmount, so the page asks for {@code ?amount=<payAmount>}: only an image whose URL names the
   * amount it shows may be kept.
   */
  private Route qrCode(UUID id, java.util.Optional<String> amount) {
    return onSuccess(find(id), found -> switch (found) {
      case Found.Yes yes -> {
        Invoice invoice = yes.invoice();
        String uri = PaymentUri.of(token(invoice), invoice.address(), invoice.payAmount());
        boolean named = amount.filter(a -> a.equals(Amounts.format(invoice.payAmount()))).isPresent();
        yield complete(HttpResponse.create()
            .withEntity(ContentTypes.create(MediaTypes.IMAGE_PNG), QrCode.png(uri, qrPixelsPerModule))
            .addHeader(named ? CACHE_QR : PRIVATE_NO_STORE));
      }
      case Found.No no -> complete(StatusCodes.NOT_FOUND);
      case Found.Unavailable u -> complete(StatusCodes.SERVICE_UNAVAILABLE);
    });
  }

  private Route html(int status, byte[] body, HttpHeader cacheControl) {
    return complete(HttpResponse.create().withStatus(status).withEntity(ContentTypes.TEXT_HTML_UTF8, body)
        .addHeaders(List.of(cacheControl)));
  }

  private sealed interface Found {
    record Yes(Invoice invoice, String merchantName) implements Found {
      Yes(Invoice invoice) {
        this(invoice, null);
      }
    }

    record No() implements Found {}

    record Unavailable() implements Found {}
  }

  /** The shop's display name beside a found invoice (null while none is set). */
  private CompletionStage<Found> withMerchantName(Found found) {
    if (found instanceof Found.Yes yes) {
      return blocking.run(() -> new Found.Yes(yes.invoice(),
          profiles.displayName(yes.invoice().merchantId()).orElse(null)));
    }
    return java.util.concurrent.CompletableFuture.completedFuture(found);
  }

  /** The invoice, or why not: the entity refused (no such invoice: 404) or did not answer (503). */
  private CompletionStage<Found> find(UUID id) {
    return invoices.get(id).handle((invoice, error) -> {
      if (error == null) {
        return new Found.Yes(invoice);
      }
      Throwable cause = Failures.cause(error);
      if (cause instanceof StatusReply.ErrorMessage) {
        return new Found.No();
      }
      log.warn("Checkout page: invoice {} did not answer: {}", id, cause.toString());
      return new Found.Unavailable();
    });
  }
}
