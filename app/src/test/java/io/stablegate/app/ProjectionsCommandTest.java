package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code stablegate projections parked | replay} against a real database: lists what is parked, keeps
 * an envelope that fails again (here: its event is not in the journal) with its count raised, and
 * answers bad arguments with 2. ParkedEnvelopesTest proves parking and a successful replay.
 */
class ProjectionsCommandTest {
  private static DbCoordinates db;

  @BeforeAll
  static void parkOne() throws Exception {
    db = TestDatabase.fresh();
    Database.migrate(db);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute("""
          INSERT INTO parked_envelopes (projection, tag, persistence_id, sequence_nr, event_offset, event_type, error,
                                        attempts, parked_at, last_attempt_at)
          VALUES ('invoices', 'invoice-0', 'Invoice|00000000-0000-0000-0000-000000000001', 1, 7, 'InvoiceCreated',
                  'org.postgresql.util.PSQLException [SQLState 22021]: invalid byte sequence', 1, now(), now())""");
    }
  }

  @Test
  void listsTheParkedEnvelopes() {
    Result result = run("parked");
    assertThat(result.code).isEqualTo(ProjectionsCommand.OK);
    assertThat(result.out).contains("1 parked envelope(s)").contains("invoices")
        .contains("Invoice|00000000-0000-0000-0000-000000000001 #1").contains("InvoiceCreated").contains("22021");
  }

  @Test
  void anEnvelopeThatFailsAgainStaysParked() throws Exception {
    Result result = run("replay");
    assertThat(result.code).isEqualTo(ProjectionsCommand.STILL_PARKED);
    assertThat(result.out).contains("replayed 0, still parked 1");
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT attempts, error FROM parked_envelopes")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(2);
      assertThat(rs.getString(2)).contains("the journal has no event");
    }
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertThat(run("replay", "--id", "nine").code).isEqualTo(ProjectionsCommand.USAGE);
    assertThat(run("replay", "--id", "999").code).isEqualTo(ProjectionsCommand.USAGE);
    assertThat(run("parked", "--unknown", "x").code).isEqualTo(ProjectionsCommand.USAGE);
    assertThat(run("unpark").code).isEqualTo(ProjectionsCommand.USAGE);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String command, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[more.length + 7];
    args[0] = command;
    System.arraycopy(more, 0, args, 1, more.length);
    int i = more.length + 1;
    args[i++] = "--db";
    args[i++] = db.url();
    args[i++] = "--db-user";
    args[i++] = db.user();
    args[i++] = "--db-password";
    args[i] = db.password();
    int code = new ProjectionsCommand(ConfigFactory.load(), out, err).run(args);
    return new Result(code, out.toString(), err.toString());
  }
}
