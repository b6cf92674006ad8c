package io.stablegate.persistence.merchant;

import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.engine.money.Amounts;
import io.stablegate.persistence.audit.SettingsChangeLog;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The merchant's payment settings: the underpayment tolerance in percent. Every change is recorded
 * in the settings-change log, in the same transaction. Blocking JDBC.
 */
public final class PaymentSettingsRepository {
  private final DataSource dataSource;
  private final SettingsChangeLog changes = new SettingsChangeLog();

  public PaymentSettingsRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The merchant's tolerance (0 by default); empty if there is no such merchant. */
  public Optional<BigDecimal> tolerancePercent(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT underpayment_tolerance_percent FROM merchants WHERE id = ?")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Amounts.normalize(rs.getBigDecimal(1))) : Optional.empty();
      }
    }
  }

  /** Sets the tolerance, recording the change; returns whether anything changed. */
  public boolean setTolerancePercent(UUID merchantId, BigDecimal percent, String actor) throws SQLException {
    BigDecimal value = Amounts.normalize(percent);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        BigDecimal old;
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT underpayment_tolerance_percent FROM merchants WHERE id = ? FOR UPDATE")) {
          ps.setObject(1, merchantId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              c.rollback();
              return false;
            }
            old = Amounts.normalize(rs.getBigDecimal(1));
          }
        }
        if (old.compareTo(value) == 0) {
          c.rollback();
          return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE merchants SET underpayment_tolerance_percent = ? WHERE id = ?")) {
          ps.setBigDecimal(1, value);
          ps.setObject(2, merchantId);
          ps.executeUpdate();
        }
        changes.append(c, merchantId, SettingsChange.Kind.UNDERPAYMENT_TOLERANCE_SET, null, Amounts.format(old),
            Amounts.format(value), actor);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
