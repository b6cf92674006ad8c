package io.stablegate.persistence.listing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Newest-first keyset pagination, the one way every listing pages: rows ordered by a key of
 * columns, descending; a page ends at its last row's key and the next starts strictly below it, so
 * rows written meanwhile neither shift nor repeat a page. Blocking JDBC, parameterized SQL only.
 */
final class Keyset {

  /** Reads one value (an item, a cursor) from the current row. */
  @FunctionalInterface
  interface RowReader<R> {
    R read(ResultSet row) throws SQLException;
  }

  private Keyset() {}

  /**
   * Runs {@code select} (a {@code SELECT … WHERE …} with {@code parameters} for its placeholders)
   * below {@code after} (the key values where the previous page ended, in {@code key} order), ordered
   * by {@code key} descending, and reads at most {@code limit} items; {@code next} is the cursor of
   * the last one when more rows follow.
   */
  static <T, C> Page<T, C> page(DataSource dataSource, String select, List<Object> parameters, List<String> key,
      Optional<List<Object>> after, int limit, RowReader<T> item, RowReader<C> cursor) throws SQLException {
    StringBuilder sql = new StringBuilder(select);
    List<Object> values = new ArrayList<>(parameters);
    after.ifPresent(keyValues -> {
      sql.append(" AND (").append(String.join(", ", key)).append(") < (")
          .append(String.join(", ", Collections.nCopies(key.size(), "?"))).append(")");
      values.addAll(keyValues);
    });
    sql.append(" ORDER BY ").append(key.stream().map(column -> column + " DESC").collect(Collectors.joining(", ")))
        .append(" LIMIT ?");
    values.add(limit + 1);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.size(); i++) {
        ps.setObject(i + 1, values.get(i));
      }
      List<T> items = new ArrayList<>();
      C last = null;
      boolean more = false;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (items.size() == limit) {
            more = true;
            break;
          }
          items.add(item.read(rs));
          last = cursor.read(rs);
        }
      }
      return new Page<>(items, more ? Optional.of(last) : Optional.empty());
    }
  }
}
