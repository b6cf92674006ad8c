package io.stablegate.persistence.merchant;

import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.persistence.audit.SettingsChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@code merchant_webhooks}: the URL and the signing secrets, encrypted with {@link SecretCipher}.
 * Changes of the URL and rotations of the secret are recorded in the settings-change log in the same
 * transaction (the secret's value never is). Blocking JDBC.
 */
public final class WebhookSettingsRepository {
  private final DataSource dataSource;
  private final SecretCipher cipher;
  private final Clock clock;
  private final SettingsChangeLog changes = new SettingsChangeLog();

  public WebhookSettingsRepository(DataSource dataSource, SecretCipher cipher, Clock clock) {
    this.dataSource = dataSource;
    this.cipher = cipher;
    this.clock = clock;
  }

  public Optional<MerchantWebhookSettings> find(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT url, secret_ciphertext, previous_secret_ciphertext, previous_secret_expires_at, disabled_at,
                   disabled_reason
            FROM merchant_webhooks WHERE merchant_id = ?""")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp previousUntil = rs.getTimestamp(4);
        byte[] previous = rs.getBytes(3);
        Optional<String> previousSecret = previous != null && previousUntil != null
            && previousUntil.toInstant().isAfter(clock.instant())
            ? Optional.of(cipher.decrypt(previous, merchantId))
            : Optional.empty();
        Timestamp disabledAt = rs.getTimestamp(5);
        return Optional.of(new MerchantWebhookSettings(rs.getString(1), cipher.decrypt(rs.getBytes(2), merchantId),
            previousSecret, Optional.ofNullable(disabledAt).map(Timestamp::toInstant),
            Optional.ofNullable(rs.getString(6))));
      }
    }
  }

  /** The URL only, or empty; no decryption. */
  public Optional<String> findUrl(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT url FROM merchant_webhooks WHERE merchant_id = ?")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Sets the URL (and re-enables a disabled endpoint). The first time, a secret from
   * {@code newSecret} is created and returned; afterwards the secret stays and the result is empty.
   */
  public Optional<String> setUrl(UUID merchantId, String url, Supplier<String> newSecret, String actor)
      throws SQLException {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<String> old = lockUrl(c, merchantId);
        Optional<String> created = Optional.empty();
        if (old.isEmpty()) {
          String secret = newSecret.get();
          try (PreparedStatement ps = c.prepareStatement("""
              INSERT INTO merchant_webhooks (merchant_id, url, secret_ciphertext, updated_at) VALUES (?, ?, ?, ?)""")) {
            ps.setObject(1, merchantId);
            ps.setString(2, url);
            ps.setBytes(3, cipher.encrypt(secret, merchantId));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
          }
          created = Optional.of(secret);
        } else {
          try (PreparedStatement ps = c.prepareStatement("""
              UPDATE merchant_webhooks SET url = ?, disabled_at = NULL, disabled_reason = NULL, updated_at = ?
              WHERE merchant_id = ?""")) {
            ps.setString(1, url);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, merchantId);
            ps.executeUpdate();
          }
        }
        if (!old.equals(Optional.of(url))) {
          changes.append(c, merchantId, SettingsChange.Kind.WEBHOOK_URL_SET, null, old.orElse(null), url, actor);
        }
        c.commit();
        return created;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Makes {@code newSecret} current; the old one stays valid for signing until {@code graceUntil}.
   * False if the merchant has no webhook yet.
   */
  public boolean rotateSecret(UUID merchantId, String newSecret, Instant graceUntil, String actor)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (lockUrl(c, merchantId).isEmpty()) {
          c.rollback();
          return false;
        }
        try (PreparedStatement ps = c.prepareStatement("""
            UPDATE merchant_webhooks SET previous_secret_ciphertext = secret_ciphertext,
                   previous_secret_expires_at = ?, secret_ciphertext = ?, updated_at = ?
            WHERE merchant_id = ?""")) {
          ps.setTimestamp(1, Timestamp.from(graceUntil));
          ps.setBytes(2, cipher.encrypt(newSecret, merchantId));
          ps.setTimestamp(3, Timestamp.from(clock.instant()));
          ps.setObject(4, merchantId);
          ps.executeUpdate();
        }
        changes.append(c, merchantId, SettingsChange.Kind.WEBHOOK_SECRET_ROTATED, null, null, null, actor);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Stops deliveries (the endpoint answered 410) until the merchant sets a URL again. */
  public void disable(UUID merchantId, String reason) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            UPDATE merchant_webhooks SET disabled_at = ?, disabled_reason = ?, updated_at = ?
            WHERE merchant_id = ? AND disabled_at IS NULL""")) {
      Timestamp now = Timestamp.from(clock.instant());
      ps.setTimestamp(1, now);
      ps.setString(2, reason);
      ps.setTimestamp(3, now);
      ps.setObject(4, merchantId);
      ps.executeUpdate();
    }
  }

  private static Optional<String> lockUrl(Connection c, UUID merchantId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM merchants WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, merchantId);
      ps.executeQuery().close();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT url FROM merchant_webhooks WHERE merchant_id = ?")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
