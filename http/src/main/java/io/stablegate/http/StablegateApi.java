package io.stablegate.http;

import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.claims.PayerClaims;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.engine.webhook.WebhookTargetGuard;
import io.stablegate.http.audit.SettingsChangeRoutes;
import io.stablegate.http.auth.AccountRoutes;
import io.stablegate.http.claims.PayerClaimRoutes;
import io.stablegate.http.auth.PasswordRoutes;
import io.stablegate.http.invoices.InvoiceCreation;
import io.stablegate.http.invoices.InvoiceEvents;
import io.stablegate.http.invoices.InvoiceExportRoutes;
import io.stablegate.http.invoices.InvoiceRoutes;
import io.stablegate.http.testmode.TestPaymentRoutes;
import io.stablegate.engine.payment.PaymentSimulator;
import io.stablegate.http.invoices.PublicInvoiceRoutes;
import io.stablegate.engine.payment.UnmatchedTransferService;
import io.stablegate.http.invoices.UnmatchedTransferRoutes;
import io.stablegate.http.pages.PageRoutes;
import io.stablegate.http.payments.PaymentSettingsRoutes;
import io.stablegate.http.profile.ProfileRoutes;
import io.stablegate.http.security.ApiKeyAuthenticator;
import io.stablegate.http.security.ClientAddress;
import io.stablegate.http.security.LateRefusals;
import io.stablegate.http.security.LoginThrottle;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.http.security.NodeKeys;
import io.stablegate.http.security.PasswordPolicy;
import io.stablegate.http.security.PasswordHashing;
import io.stablegate.http.security.Passwords;
import io.stablegate.http.security.RegistrationThrottle;
import io.stablegate.http.security.RateLimits;
import io.stablegate.http.security.SecurityHeaders;
import io.stablegate.http.security.SessionCookies;
import io.stablegate.http.security.SessionLimits;
import io.stablegate.http.security.SessionTokens;
import io.stablegate.http.security.Sessions;
import io.stablegate.http.stats.StatsRoutes;
import io.stablegate.http.wallets.WalletRoutes;
import io.stablegate.http.webhookendpoints.WebhookEndpointRoutes;
import io.stablegate.http.webhooks.WebhookDeliveryRoutes;
import io.stablegate.http.webhooks.WebhookTestRoutes;
import io.stablegate.http.webhooksettings.WebhookSettingsRoutes;
import io.stablegate.http.webhooksettings.WebhookUrls;
import io.stablegate.persistence.Repositories;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.MerchantRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import io.stablegate.persistence.merchant.WebhookSettingsRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The merchant API of one node: its security pieces and routes, composed under the security headers,
 * the problem+json error handling and the per-address rate limit. It owns nothing but these: the
 * composition root ({@code io.stablegate.app.StablegateNode}) builds the repositories, the node's keys,
 * the merchant-change topic and the services, and hands them in.
 */
public final class StablegateApi extends AllDirectives {
  private final SecurityHeaders securityHeaders;
  private final ErrorHandling errors = new ErrorHandling();
  private final InputGuard inputGuard = new InputGuard();
  private final ClientAddress clientAddress;
  private final RateLimits rateLimits;
  private final LateRefusals lateRefusals;
  private final List<Route> routes = new ArrayList<>();

  /**
   * @param repositories what the routes read and write (JDBC, run on {@code blocking})
   * @param keys the node's JWT key and the cipher of the webhook secrets
   * @param changes where a merchant's changes are announced to the cluster
   * @param blocking the node's blocking dispatcher
   * @param rates the node's exchange rates, for invoices priced in fiat
   */
  public StablegateApi(ActorSystem<?> system, Repositories repositories, NodeKeys keys, MerchantChanges changes,
      Executor blocking, InvoiceService invoices, UnmatchedTransferService unmatched, PayerClaims claims,
      PaymentSimulator simulator, ChainStatusBoard chains, WebhookService webhookService, WebhookPinger pinger,
      RateSource rates, Clock clock) {
    ApiSettings settings = ApiSettings.fromConfig(system.settings().config());
    Blocking work = new Blocking(blocking);
    PasswordHashing hashing = new PasswordHashing(settings.passwordHashing());
    system.getWhenTerminated().thenRun(hashing::shutdown);
    MerchantRepository merchants = repositories.merchants();
    WalletRepository wallets = repositories.wallets();
    WebhookSettingsRepository webhooks = repositories.webhookSettings();
    this.rateLimits = new RateLimits(settings.rateLimits());
    this.lateRefusals = new LateRefusals(settings.rateLimits().refusalDelay());
    this.clientAddress = new ClientAddress(settings.trustedProxies());
    this.securityHeaders = new SecurityHeaders(settings);
    RequestBodies bodies = new RequestBodies(settings);
    ApiKeyAuthenticator apiKeys = new ApiKeyAuthenticator(merchants, work, changes, settings.rateLimits().maxTracked());
    Sessions sessions = sessions(system, settings, repositories, keys, work, clock);
    MerchantAuthentication authentication = new MerchantAuthentication(apiKeys, sessions, rateLimits);
    Passwords passwords = new Passwords(settings.bcryptCost());
    PasswordPolicy passwordPolicy = PasswordPolicy.load();
    LoginThrottle loginThrottle = new LoginThrottle(settings.loginThrottle(), clock);

    routes.add(new HealthRoutes(chains, rates, system.settings().config()).route());
    routes.add(new OpenApiRoutes().route());
    routes.add(new AccountRoutes(authentication, merchants, wallets, webhooks, passwords, passwordPolicy,
        loginThrottle, sessions, apiKeys, changes, clientAddress, bodies, work, hashing,
        new RegistrationThrottle(settings.registration()), clock).route());
    routes.add(new PasswordRoutes(authentication, merchants, sessions, passwords, passwordPolicy, loginThrottle,
        clientAddress, bodies, work, hashing).route());
    routes.add(new WalletRoutes(authentication, wallets, changes, bodies, work).route());
    WebhookUrls webhookUrls = new WebhookUrls(settings.production(), WebhookTargetGuard.HostResolver.system());
    routes.add(new WebhookSettingsRoutes(authentication, webhooks, bodies, work, webhookUrls,
        settings.webhookSecretGrace(), clock).route());
    routes.add(new WebhookEndpointRoutes(authentication, repositories.webhookEndpoints(), bodies, work, webhookUrls,
        settings.webhookSecretGrace(), clock).route());
    routes.add(new SettingsChangeRoutes(authentication, repositories.settingsChanges(), work).route());
    InvoiceCreation creation = new InvoiceCreation(invoices, wallets, repositories.paymentSettings(),
        repositories.idempotency(), work, settings.publicUrl(), settings.idempotencyRetention(), clock, rates, chains);
    routes.add(new InvoiceExportRoutes(authentication, repositories.invoiceExports(),
        system.settings().config().getInt("stablegate.http.export-fetch-size"), settings.publicUrl()).route());
    routes.add(new InvoiceRoutes(authentication, invoices, creation, repositories.invoiceListings(),
        new InvoiceEvents(system), bodies, work, settings).route());
    routes.add(new UnmatchedTransferRoutes(authentication, repositories.unmatchedTransfers(), unmatched, wallets,
        bodies, work, settings).route());
    routes.add(new PaymentSettingsRoutes(authentication, repositories.paymentSettings(), bodies, work).route());
    routes.add(new TestPaymentRoutes(authentication, invoices, simulator, bodies,
        settings.publicUrl()).route());
    routes.add(new PublicInvoiceRoutes(invoices, repositories.profiles(), work).route());
    routes.add(new PayerClaimRoutes(claims, invoices, settings, system.settings().config()).route());
    routes.add(new WebhookDeliveryRoutes(authentication, repositories.webhookDeliveries(), webhookService, blocking)
        .route());
    routes.add(new WebhookTestRoutes(authentication, pinger).route());
    routes.add(new PageRoutes(invoices, repositories.profiles(), work, system.settings().config()).route());
    routes.add(new ProfileRoutes(authentication, repositories.profiles(), bodies, work).route());
    routes.add(new StatsRoutes(authentication, repositories.stats(), work, system.settings().config()).route());
  }

  /** Server-side dashboard sessions: signed tokens naming rows of {@code merchant_sessions}. */
  private static Sessions sessions(ActorSystem<?> system, ApiSettings settings, Repositories repositories,
      NodeKeys keys, Blocking work, Clock clock) {
    SessionTokens tokens = new SessionTokens(keys.jwtKey(), settings.sessionTtl(), settings.sessionClockSkew(), clock);
    return new Sessions(repositories.sessions(), tokens, new SessionCookies(settings.secureCookies()),
        SessionLimits.fromConfig(system.settings().config()), work, clock);
  }

  /** Every route of the API behind the headers, error handling (refusals for load late) and rate limit. */
  public Route route() {
    Route composed = concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
    return securityHeaders.wrap(() -> errors.wrap(() -> lateRefusals.wrap(() -> clientAddress.extract(address -> {
      rateLimits.forAddress(address);
      return inputGuard.check(() -> composed);
    }))));
  }
}
