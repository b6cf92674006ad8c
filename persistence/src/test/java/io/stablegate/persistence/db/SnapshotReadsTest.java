package io.stablegate.persistence.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgConnection;

/**
 * What makes a big snapshot quick to read back on recovery: stored uncompressed (nothing to decompress),
 * and fetched by statements prepared on the server at once (its bytes in binary, not as hex text).
 */
class SnapshotReadsTest {

  @Test
  void snapshotsAreStoredUncompressedAndPekkosConnectionsReadInBinaryFromTheFirstRun() throws Exception {
    DbCoordinates coordinates = TestDatabase.fresh();
    try (Database database = Database.connect(coordinates, 2)) {
      try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT attstorage FROM pg_attribute "
              + "WHERE attrelid = 'public.snapshot'::regclass AND attname = 'snapshot_payload'")) {
        rs.next();
        assertThat(rs.getString(1)).as("e: EXTERNAL, out of line and uncompressed").isEqualTo("e");
      }
      ActorSystem system = ActorSystem.create("snapshot-reads", database.pekkoConfig()
          .withFallback(ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off"))
          .withFallback(ConfigFactory.load()));
      try {
        SlickDatabase slick = ((SlickExtensionImpl) SlickExtension.get(system))
            .database(system.settings().config().getConfig("jdbc-snapshot-store"));
        try (Connection c = slick.database().source().createConnection()) {
          PgConnection pg = (PgConnection) c.unwrap(PGConnection.class);
          assertThat(pg.getForceBinary()).isTrue();
        }
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(),
            java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }
}
