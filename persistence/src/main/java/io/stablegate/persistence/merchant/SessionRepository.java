package io.stablegate.persistence.merchant;

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
 * Dashboard sessions (table {@code merchant_sessions}): created at login, read on every request made
 * with the session cookie, revoked at logout and by a password change. Parameterized SQL only;
 * blocking JDBC, to be called from a blocking dispatcher.
 */
public final class SessionRepository {

  /** A session as stored; {@code revokedAt} is empty while it is live. */
  public record StoredSession(UUID id, UUID merchantId, Instant createdAt, Instant expiresAt, Instant confirmedAt,
      Optional<Instant> revokedAt) {

    /** Not revoked and {@code now} before its end (no leeway). */
    public boolean liveAt(Instant now) {
      return revokedAt.isEmpty() && now.isBefore(expiresAt);
    }
  }

  private final DataSource dataSource;

  public SessionRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records a login: a session confirmed now, ending at {@code expiresAt}. The merchant's sessions
   * that ended before {@code now} are deleted on the way, so the table holds no more than the live
   * sessions and the recently ended ones.
   */
  public StoredSession create(UUID id, UUID merchantId, Instant now, Instant expiresAt) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM merchant_sessions WHERE merchant_id = ? AND (expires_at < ? OR revoked_at < ?)")) {
          ps.setObject(1, merchantId);
          ps.setTimestamp(2, Timestamp.from(now));
          ps.setTimestamp(3, Timestamp.from(now));
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO merchant_sessions "
            + "(id, merchant_id, created_at, expires_at, confirmed_at) VALUES (?, ?, ?, ?, ?)")) {
          ps.setObject(1, id);
          ps.setObject(2, merchantId);
          ps.setTimestamp(3, Timestamp.from(now));
          ps.setTimestamp(4, Timestamp.from(expiresAt));
          ps.setTimestamp(5, Timestamp.from(now));
          ps.executeUpdate();
        }
        c.commit();
        return new StoredSession(id, merchantId, now, expiresAt, now, Optional.empty());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  public Optional<StoredSession> find(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, merchant_id, created_at, expires_at, confirmed_at, "
            + "revoked_at FROM merchant_sessions WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp revoked = rs.getTimestamp(6);
        return Optional.of(new StoredSession(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(),
            Optional.ofNullable(revoked).map(Timestamp::toInstant)));
      }
    }
  }

  /** Marks the (live) session as having confirmed the password at {@code now}; false if it is not live. */
  public boolean confirm(UUID id, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE merchant_sessions SET confirmed_at = ? "
            + "WHERE id = ? AND revoked_at IS NULL AND expires_at > ?")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setObject(2, id);
      ps.setTimestamp(3, Timestamp.from(now));
      return ps.executeUpdate() == 1;
    }
  }

  /** Revokes the session (logout); false if it was revoked already. */
  public boolean revoke(UUID id, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "UPDATE merchant_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setObject(2, id);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Replaces the merchant's password hash, revokes every session of the merchant and starts the session
   * {@code replacement} (the one that changed the password, re-issued), in one transaction.
   */
  public void changePassword(UUID merchantId, String newPasswordHash, UUID replacement, Instant now,
      Instant expiresAt) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("UPDATE merchants SET password_hash = ? WHERE id = ?")) {
          ps.setString(1, newPasswordHash);
          ps.setObject(2, merchantId);
          if (ps.executeUpdate() != 1) {
            throw new SQLException("no merchant " + merchantId);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE merchant_sessions SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL")) {
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setObject(2, merchantId);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO merchant_sessions "
            + "(id, merchant_id, created_at, expires_at, confirmed_at) VALUES (?, ?, ?, ?, ?)")) {
          ps.setObject(1, replacement);
          ps.setObject(2, merchantId);
          ps.setTimestamp(3, Timestamp.from(now));
          ps.setTimestamp(4, Timestamp.from(expiresAt));
          ps.setTimestamp(5, Timestamp.from(now));
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
