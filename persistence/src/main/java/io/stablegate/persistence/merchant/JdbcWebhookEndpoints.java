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

/** {@link WebhookEndpoints} over {@code merchant_webhooks} and {@code webhook_endpoints}; the blocking JDBC runs on {@code blocking}. */
public final class JdbcWebhookEndpoints implements WebhookEndpoints {
  private final WebhookSettingsRepository settings;
  private final WalletRepository wallets;
  private final WebhookEndpointRepository endpoints;
  private final Executor blocking;

  public JdbcWebhookEndpoints(WebhookSettingsRepository settings, WalletRepository wallets,
      WebhookEndpointRepository endpoints, Executor blocking) {
    this.settings = settings;
    this.wallets = wallets;
    this.endpoints = endpoints;
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
  public CompletionStage<Optional<WebhookEndpoint>> find(UUID merchantId, UUID endpointId) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return endpoints.find(merchantId, endpointId).map(e -> new WebhookEndpoint(merchantId, e.endpoint().url(),
            e.secrets(), e.endpoint().disabledAt().isPresent()));
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<List<UUID>> subscribed(UUID merchantId, String type) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return endpoints.subscribed(merchantId, type);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<Void> disable(UUID merchantId, UUID endpointId, String reason) {
    return CompletableFuture.runAsync(() -> {
      try {
        endpoints.disable(merchantId, endpointId, reason);
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
