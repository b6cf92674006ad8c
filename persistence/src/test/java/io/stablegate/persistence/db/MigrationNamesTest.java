package io.stablegate.persistence.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.persistence.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * Migrations are named V + three digits, so that their order reads plainly in a listing; a database
 * migrated when they were named V1, V2, V10 (unpadded) still validates and migrates under the new names,
 * since Flyway parses {@code 001} as version 1 and checksums the content, not the name.
 */
class MigrationNamesTest {
  private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "migration");

  @Test
  void namesAreThreeDigitVersionsInTheirOrder() throws IOException {
    List<String> names = migrationNames();
    assertThat(names).isNotEmpty().allMatch(name -> name.matches("V\\d{3}__[a-z0-9_]+\\.sql"), "V + 3 digits");
    List<MigrationVersion> versions = names.stream().map(MigrationNamesTest::version).toList();
    assertThat(versions).as("listing order is version order").isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aDatabaseMigratedUnderTheUnpaddedNamesValidatesUnderTheNewOnes() throws IOException {
    Path old = Files.createTempDirectory(Path.of("target"), "unpadded-migrations");
    for (String name : migrationNames()) {
      String unpadded = "V" + Integer.parseInt(name.substring(1, name.indexOf("__"))) + name.substring(name.indexOf("__"));
      Files.copy(MIGRATIONS.resolve(name), old.resolve(unpadded));
    }
    DbCoordinates db = TestDatabase.fresh();
    Flyway before = flyway(db, "filesystem:" + old.toAbsolutePath());
    assertThat(before.migrate().migrationsExecuted).isEqualTo(migrationNames().size());
    MigrationInfo[] applied = before.info().applied();
    assertThat(applied[0].getScript()).isEqualTo("V1__pekko_persistence_jdbc.sql");

    Flyway after = flyway(db, "classpath:db/migration");
    assertThat(after.validateWithResult().validationSuccessful).as("validates under the new names").isTrue();
    assertThat(after.migrate().migrationsExecuted).as("nothing applied twice").isZero();
    List<String> names = migrationNames();
    assertThat(after.info().current().getVersion()).isEqualTo(version(names.get(names.size() - 1)));
    Database.migrate(db); // the node's own migration accepts the database as well
  }

  private static Flyway flyway(DbCoordinates db, String location) {
    return Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations(location).load();
  }

  private static MigrationVersion version(String name) {
    return MigrationVersion.fromVersion(name.substring(1, name.indexOf("__")));
  }

  private static List<String> migrationNames() throws IOException {
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
