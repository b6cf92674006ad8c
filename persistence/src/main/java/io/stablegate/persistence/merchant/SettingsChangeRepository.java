package io.stablegate.persistence.merchant;

import io.stablegate.persistence.audit.SettingsChangeLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads a merchant's settings-change log for the API. Blocking JDBC. */
public final class SettingsChangeRepository {
  private final DataSource dataSource;
  private final SettingsChangeLog log = new SettingsChangeLog();

  public SettingsChangeRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<SettingsChangeLog.Entry> list(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return log.list(c, merchantId);
    }
  }
}
