package io.stablegate.http;

import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.webhook.WebhookEndpoints;
import io.stablegate.http.audit.SettingsChangeRoutes;
import io.stablegate.http.auth.AccountRoutes;
import io.stablegate.http.invoices.InvoiceCreation;
import io.stablegate.http.invoices.InvoiceEvents;
import io.stablegate.http.invoices.InvoiceRoutes;
import io.stablegate.http.invoices.PublicInvoiceRoutes;
import io.stablegate.http.invoices.UnmatchedTransferRoutes;
import io.stablegate.http.security.ApiKeyAuthenticator;
import io.stablegate.http.security.ClientAddress;
import io.stablegate.http.security.LoginThrottle;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.http.security.NodeKeys;
import io.stablegate.http.security.PasswordPolicy;
import io.stablegate.http.security.Passwords;
import io.stablegate.http.security.RateLimits;
import io.stablegate.http.security.SecurityHeaders;
import io.stablegate.http.security.SessionCookies;
import io.stablegate.http.security.SessionTokens;
import io.stablegate.http.wallets.WalletRoutes;
import io.stablegate.http.webhooksettings.WebhookSettingsRoutes;
import io.stablegate.persistence.listing.InvoiceListRepository;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import io.stablegate.persistence.merchant.IdempotencyRepository;
import io.stablegate.persistence.merchant.JdbcWebhookEndpoints;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.MerchantRepository;
import io.stablegate.persistence.merchant.NodeSecrets;
import io.stablegate.persistence.merchant.SettingsChangeRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import io.stablegate.persistence.merchant.WebhookSettingsRepository;
import io.stablegate.persistence.merchant.WebhookEndpointRepository;
import io.stablegate.http.webhookendpoints.WebhookEndpointRoutes;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The merchant API of one node: builds the repositories, security pieces and routes, and composes
 * them under the security headers, the problem+json error handling and the per-address rate limit.
 * Other modules' routes (webhook deliveries, pages) are passed to {@link #route(Route...)} and get
 * the same treatment; they authenticate with {@link #authentication()}.
 */
public final class StablegateApi extends AllDirectives {
  private final ApiSettings settings;
  private final MerchantAuthentication authentication;
  private final WalletRepository wallets;
  private final MerchantChanges changes;
  private final JdbcWebhookEndpoints webhookEndpoints;
  private final SecurityHeaders securityHeaders;
  private final ErrorHandling errors = new ErrorHandling();
  private final ClientAddress clientAddress;
  private final RateLimits rateLimits;
  private final List<Route> routes = new ArrayList<>();

  private StablegateApi(ActorSystem<?> system, DataSource dataSource, InvoiceService invoices,
      ChainStatusBoard chains, Clock clock) throws SQLException {
    this.settings = ApiSettings.fromConfig(system.settings().config());
    Blocking blocking = Blocking.of(system);
    NodeKeys keys = NodeKeys.resolve(settings, new NodeSecrets(dataSource));
    MerchantRepository merchants = new MerchantRepository(dataSource);
    this.wallets = new WalletRepository(dataSource);
    WebhookSettingsRepository webhooks = new WebhookSettingsRepository(dataSource, keys.cipher(), clock);
    WebhookEndpointRepository endpointRepository = new WebhookEndpointRepository(dataSource, keys.cipher(), clock);
    this.webhookEndpoints = new JdbcWebhookEndpoints(webhooks, endpointRepository, blocking.executor());
    this.changes = MerchantChanges.start(system);
    this.rateLimits = new RateLimits(settings.rateLimits());
    this.clientAddress = new ClientAddress(settings.trustProxy());
    this.securityHeaders = new SecurityHeaders(settings);
    RequestBodies bodies = new RequestBodies(settings);
    ApiKeyAuthenticator apiKeys = new ApiKeyAuthenticator(merchants, blocking, changes, settings.rateLimits().maxTracked());
    SessionTokens sessions = new SessionTokens(keys.jwtKey(), settings.sessionTtl(), settings.sessionClockSkew(), clock);
    SessionCookies cookies = new SessionCookies(settings.secureCookies(), settings.sessionTtl().toSeconds());
    this.authentication = new MerchantAuthentication(apiKeys, sessions, cookies, rateLimits);

    routes.add(new HealthRoutes(chains).route());
    routes.add(new OpenApiRoutes().route());
    routes.add(new AccountRoutes(authentication, merchants, wallets, webhooks, new Passwords(settings.bcryptCost()),
        PasswordPolicy.load(), new LoginThrottle(settings.loginThrottle(), clock), sessions, cookies, apiKeys,
        changes, clientAddress, bodies, blocking, clock).route());
    routes.add(new WalletRoutes(authentication, wallets, changes, bodies, blocking).route());
    routes.add(new WebhookSettingsRoutes(authentication, webhooks, bodies, blocking, settings.production(),
        settings.webhookSecretGrace(), clock).route());
    routes.add(new WebhookEndpointRoutes(authentication, endpointRepository, bodies, blocking, settings.production(),
        settings.webhookSecretGrace(), clock).route());
    routes.add(new SettingsChangeRoutes(authentication, new SettingsChangeRepository(dataSource), blocking).route());
    InvoiceCreation creation = new InvoiceCreation(invoices, wallets, new IdempotencyRepository(dataSource), blocking,
        settings.publicUrl(), settings.idempotencyRetention(), clock);
    routes.add(new InvoiceRoutes(authentication, invoices, creation, new InvoiceListRepository(dataSource),
        new InvoiceEvents(system), bodies, blocking, settings).route());
    routes.add(new UnmatchedTransferRoutes(authentication, new UnmatchedTransferRepository(dataSource), blocking,
        settings).route());
    routes.add(new PublicInvoiceRoutes(invoices).route());
  }

  /** Builds the API on this node; reads (in development, creates) the node's secrets. */
  public static StablegateApi create(ActorSystem<?> system, DataSource dataSource, InvoiceService invoices,
      ChainStatusBoard chains) {
    try {
      return new StablegateApi(system, dataSource, invoices, chains, Clock.systemUTC());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the node's secrets from the database", e);
    }
  }

  /** Every route of the API, plus {@code more}, behind the headers, error handling and rate limit. */
  public Route route(Route... more) {
    List<Route> all = new ArrayList<>(routes);
    all.addAll(List.of(more));
    Route composed = concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new));
    return securityHeaders.wrap(() -> errors.wrap(() -> clientAddress.extract(address -> {
      rateLimits.forAddress(address);
      return composed;
    })));
  }

  public ApiSettings settings() {
    return settings;
  }

  public MerchantAuthentication authentication() {
    return authentication;
  }

  /** Webhook settings for the delivery side (decrypted on demand). */
  public WebhookEndpoints webhookEndpoints() {
    return webhookEndpoints;
  }

  /** Wallet addresses per chain, for the chain watchers. */
  public WalletRepository wallets() {
    return wallets;
  }

  /** Subscribe here to hear of wallet changes anywhere in the cluster. */
  public MerchantChanges changes() {
    return changes;
  }
}
