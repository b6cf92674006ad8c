package io.stablegate.persistence.merchant;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import javax.sql.DataSource;

/**
 * Development-mode secrets (the JWT signing key, the master key): generated once, kept in
 * {@code node_secrets}, and read back by every node, so that a session or a ciphertext made on one
 * node is valid on all. Production mode never calls this: its secrets come from the environment.
 */
public final class NodeSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource dataSource;

  public NodeSecrets(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The secret called {@code name}: base64 of 32 random bytes, created by whichever node asks first. */
  public String getOrCreate(String name) throws SQLException {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO node_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
        ps.setString(1, name);
        ps.setString(2, Base64.getEncoder().encodeToString(bytes));
        ps.setTimestamp(3, Timestamp.from(Instant.now()));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM node_secrets WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    }
  }
}
