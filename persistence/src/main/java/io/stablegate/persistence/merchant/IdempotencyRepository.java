package io.stablegate.persistence.merchant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code Idempotency-Key} records of invoice creation. The first request with a key claims it in one
 * statement (so concurrent requests with one key agree on one invoice id); the response is stored
 * when the invoice exists. A key older than the retention is forgotten and may be claimed anew.
 */
public final class IdempotencyRepository {

  /** The claim on a key: what the first request fixed, and its response once there is one. */
  public record Claim(String requestHash, UUID invoiceId, String address, Instant expiresAt,
      Optional<String> responseBody, boolean claimedNow) {}

  private final DataSource dataSource;

  public IdempotencyRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Claims {@code key} for a new request, or returns the claim that already holds it (younger than
   * {@code retention}). The caller compares {@link Claim#requestHash()} with its own.
   */
  public Claim claim(UUID merchantId, String key, String requestHash, UUID invoiceId, String address,
      Instant expiresAt, Instant now, Duration retention) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO invoice_idempotency_keys
            (merchant_id, idem_key, request_hash, invoice_id, address, expires_at, response_body, created_at)
          VALUES (?, ?, ?, ?, ?, ?, NULL, ?)
          ON CONFLICT (merchant_id, idem_key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, invoice_id = EXCLUDED.invoice_id,
                address = EXCLUDED.address, expires_at = EXCLUDED.expires_at, response_body = NULL,
                created_at = EXCLUDED.created_at
            WHERE invoice_idempotency_keys.created_at < ?
          RETURNING invoice_id""")) {
        ps.setObject(1, merchantId);
        ps.setString(2, key);
        ps.setString(3, requestHash);
        ps.setObject(4, invoiceId);
        ps.setString(5, address);
        ps.setTimestamp(6, Timestamp.from(expiresAt));
        ps.setTimestamp(7, Timestamp.from(now));
        ps.setTimestamp(8, Timestamp.from(now.minus(retention)));
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new Claim(requestHash, invoiceId, address, expiresAt, Optional.empty(), true);
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT request_hash, invoice_id, address, expires_at, response_body
          FROM invoice_idempotency_keys WHERE merchant_id = ? AND idem_key = ?""")) {
        ps.setObject(1, merchantId);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("idempotency key vanished while claimed");
          }
          return new Claim(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3),
              rs.getTimestamp(4).toInstant(), Optional.ofNullable(rs.getString(5)), false);
        }
      }
    }
  }

  /** Stores the first response of the request that holds the key. */
  public void complete(UUID merchantId, String key, UUID invoiceId, String responseBody) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            UPDATE invoice_idempotency_keys SET response_body = ?
            WHERE merchant_id = ? AND idem_key = ? AND invoice_id = ? AND response_body IS NULL""")) {
      ps.setString(1, responseBody);
      ps.setObject(2, merchantId);
      ps.setString(3, key);
      ps.setObject(4, invoiceId);
      ps.executeUpdate();
    }
  }

  /** Gives up a claim whose request was refused, so that the refusal leaves nothing behind. */
  public void release(UUID merchantId, String key, UUID invoiceId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            DELETE FROM invoice_idempotency_keys
            WHERE merchant_id = ? AND idem_key = ? AND invoice_id = ? AND response_body IS NULL""")) {
      ps.setObject(1, merchantId);
      ps.setString(2, key);
      ps.setObject(3, invoiceId);
      ps.executeUpdate();
    }
  }
}
