package io.stablegate.persistence.merchant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The merchant's public profile: the display name payers see on the checkout. Blocking JDBC. */
public final class ProfileRepository {
  private final DataSource dataSource;

  public ProfileRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The display name, empty while none is set (or the merchant does not exist). */
  public Optional<String> displayName(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT display_name FROM merchants WHERE id = ?")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Sets the display name; false if there is no such merchant. */
  public boolean setDisplayName(UUID merchantId, String displayName) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE merchants SET display_name = ? WHERE id = ?")) {
      ps.setString(1, displayName);
      ps.setObject(2, merchantId);
      return ps.executeUpdate() == 1;
    }
  }
}
