package io.stablegate.persistence.merchant;

import io.stablegate.engine.webhook.WebhookEndpoint;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.webhook.WebhookEndpoints;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** {@link WebhookEndpoints} over {@code merchant_webhooks}; the blocking JDBC runs on {@code blocking}. */
public final class JdbcWebhookEndpoints implements WebhookEndpoints {
  private final WebhookSettingsRepository settings;
  private final WalletRepository wallets;
  private final Executor blocking;

  public JdbcWebhookEndpoints(WebhookSettingsRepository settings, WalletRepository wallets, Executor blocking) {
    this.settings = settings;
    this.wallets = wallets;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Optional<UUID>> ownerOfWallet(Chain chain, String address) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return wallets.ownerOf(chain, address);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return settings.find(merchantId).map(s -> {
          List<String> secrets = new ArrayList<>();
          secrets.add(s.secret());
          s.previousSecret().ifPresent(secrets::add);
          return new WebhookEndpoint(merchantId, s.url(), secrets, s.disabledAt().isPresent());
        });
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<Void> disable(UUID merchantId, String reason) {
    return CompletableFuture.runAsync(() -> {
      try {
        settings.disable(merchantId, reason);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }
}
