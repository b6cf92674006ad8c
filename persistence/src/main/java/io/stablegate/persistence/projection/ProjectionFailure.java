package io.stablegate.persistence.projection;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Whether a projection handler's failure may go away by itself (retry the envelope, with backoff) or
 * will fail the same way every time (park the envelope and move on).
 *
 * <p>Transient: the database went away or is overloaded, the connection broke, the statement was
 * cancelled, a deadlock or serialization failure: SQLState classes 08 (connection), 40 (transaction
 * rollback), 53 (insufficient resources), 57 (operator intervention), 58 (system error), and the JDBC
 * transient and recoverable exceptions. Any other SQL error is transient too unless its class says the
 * data itself is at fault: 22 (data exception: a U+0000 in a string, a value out of range) and 23
 * (integrity constraint). An exception that is not an SQL error at all came from the handler's own
 * code (a missing row it expects, JSON it cannot read): deterministic.
 */
public enum ProjectionFailure {
  TRANSIENT,
  DETERMINISTIC;

  private static final Set<String> DATA_CLASSES = Set.of("22", "23");

  public static ProjectionFailure of(Throwable failure) {
    if (failure instanceof Error) {
      return TRANSIENT;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return TRANSIENT;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        return state != null && state.length() >= 2 && DATA_CLASSES.contains(state.substring(0, 2))
            ? DETERMINISTIC
            : TRANSIENT;
      }
    }
    return DETERMINISTIC;
  }
}
