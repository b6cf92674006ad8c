package io.stablegate.persistence;

import io.stablegate.persistence.listing.InvoiceExportRepository;
import io.stablegate.persistence.listing.InvoiceListRepository;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import io.stablegate.persistence.merchant.IdempotencyRepository;
import io.stablegate.persistence.merchant.MerchantRepository;
import io.stablegate.persistence.merchant.PaymentSettingsRepository;
import io.stablegate.persistence.merchant.ProfileRepository;
import io.stablegate.persistence.merchant.SecretCipher;
import io.stablegate.persistence.merchant.SessionRepository;
import io.stablegate.persistence.merchant.SettingsChangeRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import io.stablegate.persistence.merchant.WebhookEndpointRepository;
import io.stablegate.persistence.merchant.WebhookSettingsRepository;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.stats.StatsRepository;
import io.stablegate.persistence.webhook.WebhookDeliveryRepository;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Every repository of the node over one read-side pool, built once by the composition root and
 * handed to the parts that use them (the API, the chain watchers' wallet lookups, webhook delivery,
 * the sweepers). The JDBC calls block: run them on {@link BlockingDispatcher}.
 */
public record Repositories(
    MerchantRepository merchants,
    WalletRepository wallets,
    WebhookSettingsRepository webhookSettings,
    WebhookEndpointRepository webhookEndpoints,
    IdempotencyRepository idempotency,
    SettingsChangeRepository settingsChanges,
    InvoiceListRepository invoiceListings,
    InvoiceExportRepository invoiceExports,
    InvoiceReadRepository invoiceReads,
    UnmatchedTransferRepository unmatchedTransfers,
    WebhookDeliveryRepository webhookDeliveries,
    SessionRepository sessions,
    PaymentSettingsRepository paymentSettings,
    ProfileRepository profiles,
    StatsRepository stats) {

  /** {@code cipher} encrypts the merchants' webhook secrets at rest. */
  public static Repositories create(DataSource dataSource, SecretCipher cipher, Clock clock) {
    return new Repositories(
        new MerchantRepository(dataSource),
        new WalletRepository(dataSource),
        new WebhookSettingsRepository(dataSource, cipher, clock),
        new WebhookEndpointRepository(dataSource, cipher, clock),
        new IdempotencyRepository(dataSource),
        new SettingsChangeRepository(dataSource),
        new InvoiceListRepository(dataSource),
        new InvoiceExportRepository(dataSource),
        new InvoiceReadRepository(dataSource),
        new UnmatchedTransferRepository(dataSource),
        new WebhookDeliveryRepository(dataSource),
        new SessionRepository(dataSource),
        new PaymentSettingsRepository(dataSource),
        new ProfileRepository(dataSource),
        new StatsRepository(dataSource));
  }
}
