package io.stablegate.persistence.merchant;

import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.engine.money.Chain;
import io.stablegate.persistence.audit.SettingsChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Merchants' receiving wallets, one per chain. Every change is recorded in the settings-change log in
 * the same transaction; an address belongs to one merchant only. Blocking JDBC.
 */
public final class WalletRepository {
  private final DataSource dataSource;
  private final SettingsChangeLog changes = new SettingsChangeLog();

  public WalletRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<Wallet> list(UUID merchantId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT chain, address FROM merchant_wallets WHERE merchant_id = ? ORDER BY chain")) {
      ps.setObject(1, merchantId);
      List<Wallet> wallets = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          wallets.add(new Wallet(Chain.valueOf(rs.getString(1)), rs.getString(2)));
        }
      }
      return wallets;
    }
  }

  public Optional<String> find(UUID merchantId, Chain chain) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT address FROM merchant_wallets WHERE merchant_id = ? AND chain = ?")) {
      ps.setObject(1, merchantId);
      ps.setString(2, chain.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Sets the merchant's wallet on {@code chain} to {@code canonicalAddress}, recording the change.
   * {@link DuplicateException} if another merchant has that address. Returns whether anything changed.
   */
  public boolean set(UUID merchantId, Chain chain, String canonicalAddress, String actor)
      throws SQLException, DuplicateException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String old = lockCurrent(c, merchantId, chain);
        if (canonicalAddress.equals(old)) {
          c.rollback();
          return false;
        }
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO merchant_wallets (merchant_id, chain, address, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (merchant_id, chain) DO UPDATE SET address = EXCLUDED.address, updated_at = EXCLUDED.updated_at""")) {
          ps.setObject(1, merchantId);
          ps.setString(2, chain.name());
          ps.setString(3, canonicalAddress);
          ps.setTimestamp(4, Timestamp.from(Instant.now()));
          ps.executeUpdate();
        }
        changes.append(c, merchantId, SettingsChange.Kind.WALLET_SET, chain.name(), old, canonicalAddress, actor);
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        if (MerchantRepository.UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new DuplicateException("this address is another merchant's wallet");
        }
        throw e;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Removes the merchant's wallet on {@code chain}, recording the change; false if there was none. */
  public boolean remove(UUID merchantId, Chain chain, String actor) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String old = lockCurrent(c, merchantId, chain);
        if (old == null) {
          c.rollback();
          return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM merchant_wallets WHERE merchant_id = ? AND chain = ?")) {
          ps.setObject(1, merchantId);
          ps.setString(2, chain.name());
          ps.executeUpdate();
        }
        changes.append(c, merchantId, SettingsChange.Kind.WALLET_REMOVED, chain.name(), old, null, actor);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Every merchant's wallet address on {@code chain}, canonical: what that chain's watcher watches. */
  public Set<String> canonicalAddresses(Chain chain) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT address FROM merchant_wallets WHERE chain = ?")) {
      ps.setString(1, chain.name());
      Set<String> addresses = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          addresses.add(rs.getString(1));
        }
      }
      return addresses;
    }
  }

  private static String lockCurrent(Connection c, UUID merchantId, Chain chain) throws SQLException {
    // Lock the merchant row so that concurrent changes of one merchant's wallets log in order.
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM merchants WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, merchantId);
      ps.executeQuery().close();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT address FROM merchant_wallets WHERE merchant_id = ? AND chain = ?")) {
      ps.setObject(1, merchantId);
      ps.setString(2, chain.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
