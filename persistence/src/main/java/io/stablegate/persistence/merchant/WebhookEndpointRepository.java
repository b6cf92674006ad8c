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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code webhook_endpoints}: a merchant's further webhook endpoints, each with its URL, event filter
 * and signing secrets, encrypted with {@link SecretCipher} and bound to the endpoint's id. Adding,
 * deleting and rotating are recorded in the settings-change log in the same transaction (subject: the
 * endpoint's id; the secret's value never is). Blocking JDBC.
 */
public final class WebhookEndpointRepository {

  /** Every webhook type an endpoint may subscribe to. */
  public static final String ALL = "*";

  /** An endpoint as listed: no secrets. */
  public record Endpoint(UUID id, String url, List<String> events, Instant createdAt, Optional<Instant> disabledAt,
      Optional<String> disabledReason) {
    public Endpoint {
      events = List.copyOf(events);
    }

    public boolean wants(String type) {
      return events.contains(ALL) || events.contains(type);
    }
  }

  /** An endpoint with its secrets decrypted (the current one first); {@link #toString()} leaves them out. */
  public record WithSecrets(Endpoint endpoint, List<String> secrets) {
    @Override
    public String toString() {
      return "WithSecrets[" + endpoint + ", secrets=" + secrets.size() + "]";
    }
  }

  private final DataSource dataSource;
  private final SecretCipher cipher;
  private final Clock clock;
  private final SettingsChangeLog changes = new SettingsChangeLog();

  public WebhookEndpointRepository(DataSource dataSource, SecretCipher cipher, Clock clock) {
    this.dataSource = dataSource;
    this.cipher = cipher;
    this.clock = clock;
  }

  public Endpoint create(UUID merchantId, String url, List<String> events, String secret, String actor)
      throws SQLException {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret_ciphertext, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
          ps.setObject(1, id);
          ps.setObject(2, merchantId);
          ps.setString(3, url);
          ps.setString(4, String.join(",", events));
          ps.setBytes(5, cipher.encrypt(secret, id));
          ps.setTimestamp(6, Timestamp.from(now));
          ps.setTimestamp(7, Timestamp.from(now));
          ps.executeUpdate();
        }
        changes.append(c, merchantId, SettingsChange.Kind.WEBHOOK_URL_SET, id.toString(), null, url, actor);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    return new Endpoint(id, url, events, now, Optional.empty(), Optional.empty());
  }

  /** The merchant's endpoints, oldest first. */
  public List<Endpoint> list(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT id, url, events, created_at, disabled_at, disabled_reason
            FROM webhook_endpoints WHERE merchant_id = ? ORDER BY created_at, id""")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        List<Endpoint> endpoints = new ArrayList<>();
        while (rs.next()) {
          endpoints.add(endpoint(rs));
        }
        return endpoints;
      }
    }
  }

  /** The ids of the merchant's endpoints subscribed to {@code type}, disabled ones included (they catch up when re-enabled). */
  public List<UUID> subscribed(UUID merchantId, String type) throws SQLException {
    return list(merchantId).stream().filter(e -> e.wants(type)).map(Endpoint::id).toList();
  }

  public Optional<WithSecrets> find(UUID merchantId, UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT id, url, events, created_at, disabled_at, disabled_reason, secret_ciphertext,
                   previous_secret_ciphertext, previous_secret_expires_at
            FROM webhook_endpoints WHERE merchant_id = ? AND id = ?""")) {
      ps.setObject(1, merchantId);
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        List<String> secrets = new ArrayList<>();
        secrets.add(cipher.decrypt(rs.getBytes(7), id));
        byte[] previous = rs.getBytes(8);
        Timestamp previousUntil = rs.getTimestamp(9);
        if (previous != null && previousUntil != null && previousUntil.toInstant().isAfter(clock.instant())) {
          secrets.add(cipher.decrypt(previous, id));
        }
        return Optional.of(new WithSecrets(endpoint(rs), secrets));
      }
    }
  }

  /** False if the merchant has no such endpoint. */
  public boolean delete(UUID merchantId, UUID id, String actor) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String url;
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM webhook_endpoints WHERE merchant_id = ? AND id = ? RETURNING url")) {
          ps.setObject(1, merchantId);
          ps.setObject(2, id);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              c.rollback();
              return false;
            }
            url = rs.getString(1);
          }
        }
        changes.append(c, merchantId, SettingsChange.Kind.WEBHOOK_URL_SET, id.toString(), url, null, actor);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Makes {@code newSecret} current; the old one keeps signing until {@code graceUntil}. False if no such endpoint. */
  public boolean rotateSecret(UUID merchantId, UUID id, String newSecret, Instant graceUntil, String actor)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("""
            UPDATE webhook_endpoints SET previous_secret_ciphertext = secret_ciphertext,
                   previous_secret_expires_at = ?, secret_ciphertext = ?, updated_at = ?
            WHERE merchant_id = ? AND id = ?""")) {
          ps.setTimestamp(1, Timestamp.from(graceUntil));
          ps.setBytes(2, cipher.encrypt(newSecret, id));
          ps.setTimestamp(3, Timestamp.from(clock.instant()));
          ps.setObject(4, merchantId);
          ps.setObject(5, id);
          if (ps.executeUpdate() == 0) {
            c.rollback();
            return false;
          }
        }
        changes.append(c, merchantId, SettingsChange.Kind.WEBHOOK_SECRET_ROTATED, id.toString(), null, null, actor);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Stops deliveries to the endpoint (it answered 410) until the merchant re-enables it. */
  public void disable(UUID merchantId, UUID id, String reason) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ?, updated_at = ?
            WHERE merchant_id = ? AND id = ? AND disabled_at IS NULL""")) {
      Timestamp now = Timestamp.from(clock.instant());
      ps.setTimestamp(1, now);
      ps.setString(2, reason);
      ps.setTimestamp(3, now);
      ps.setObject(4, merchantId);
      ps.setObject(5, id);
      ps.executeUpdate();
    }
  }

  /** Re-enables a disabled endpoint. False if the merchant has no such endpoint. */
  public boolean enable(UUID merchantId, UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL, updated_at = ?
            WHERE merchant_id = ? AND id = ?""")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setObject(2, merchantId);
      ps.setObject(3, id);
      return ps.executeUpdate() > 0;
    }
  }

  private static Endpoint endpoint(ResultSet rs) throws SQLException {
    Timestamp disabledAt = rs.getTimestamp(5);
    return new Endpoint(rs.getObject(1, UUID.class), rs.getString(2), Arrays.asList(rs.getString(3).split(",")),
        rs.getTimestamp(4).toInstant(), Optional.ofNullable(disabledAt).map(Timestamp::toInstant),
        Optional.ofNullable(rs.getString(6)));
  }
}
