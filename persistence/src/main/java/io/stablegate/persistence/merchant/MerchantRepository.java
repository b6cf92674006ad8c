package io.stablegate.persistence.merchant;

import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.persistence.audit.SettingsChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Merchant accounts: email, bcrypt password hash and the SHA-256 of the API key. Parameterized SQL
 * only; blocking JDBC, to be called from a blocking dispatcher.
 */
public final class MerchantRepository {
  static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final SettingsChangeLog changes = new SettingsChangeLog();

  public MerchantRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates an account; {@link DuplicateException} if the email (case-insensitively) is taken. */
  public Merchant create(UUID id, String email, String passwordHash, String apiKeyHash, Instant now)
      throws SQLException, DuplicateException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO merchants (id, email, password_hash, api_key_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setString(2, email);
      ps.setString(3, passwordHash);
      ps.setString(4, apiKeyHash);
      ps.setTimestamp(5, Timestamp.from(now));
      ps.executeUpdate();
      return new Merchant(id, email, passwordHash, now);
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new DuplicateException("an account with this email exists");
      }
      throw e;
    }
  }

  public Optional<Merchant> findByEmail(String email) throws SQLException {
    return findOne("SELECT id, email, password_hash, created_at FROM merchants WHERE lower(email) = lower(?)",
        email);
  }

  public Optional<Merchant> find(UUID id) throws SQLException {
    return findOne("SELECT id, email, password_hash, created_at FROM merchants WHERE id = ?", id);
  }

  /**
   * The merchant whose API key hashes to {@code apiKeyHash}. The lookup is by the hash, so its timing
   * says nothing about the key itself.
   */
  public Optional<KeyOwner> findByApiKeyHash(String apiKeyHash) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id, api_key_hash = ? FROM merchants WHERE api_key_hash = ? OR test_api_key_hash = ?")) {
      ps.setString(1, apiKeyHash);
      ps.setString(2, apiKeyHash);
      ps.setString(3, apiKeyHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new KeyOwner(rs.getObject(1, UUID.class), rs.getBoolean(2))) : Optional.empty();
      }
    }
  }

  /** The merchant an API key belongs to, and whether it is the live key or the test key. */
  public record KeyOwner(UUID merchantId, boolean livemode) {}

  /**
   * Sets the merchant's test API key (test mode), replacing the previous one, and records it. Hashes
   * are 256-bit random keys' SHA-256, so a test key never equals any live one.
   */
  public void rotateTestApiKey(UUID merchantId, String newTestApiKeyHash, String actor) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("UPDATE merchants SET test_api_key_hash = ? WHERE id = ?")) {
          ps.setString(1, newTestApiKeyHash);
          ps.setObject(2, merchantId);
          if (ps.executeUpdate() != 1) {
            throw new SQLException("no merchant " + merchantId);
          }
        }
        changes.append(c, merchantId, SettingsChange.Kind.TEST_API_KEY_ROTATED, null, null, null, actor);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Replaces the API key's hash (the old key stops matching at once) and records the rotation. */
  public void rotateApiKey(UUID merchantId, String newApiKeyHash, String actor) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("UPDATE merchants SET api_key_hash = ? WHERE id = ?")) {
          ps.setString(1, newApiKeyHash);
          ps.setObject(2, merchantId);
          if (ps.executeUpdate() != 1) {
            throw new SQLException("no merchant " + merchantId);
          }
        }
        changes.append(c, merchantId, SettingsChange.Kind.API_KEY_ROTATED, null, null, null, actor);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private Optional<Merchant> findOne(String sql, Object parameter) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Merchant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
            rs.getTimestamp(4).toInstant()));
      }
    }
  }
}
