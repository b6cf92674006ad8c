package io.stablegate.persistence.db;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of {@code stablegate.db}: an external PostgreSQL when {@code url} is set, otherwise an
 * embedded one whose files live under {@code data-dir}.
 */
public record DatabaseSettings(
    Optional<DbCoordinates> external, Path dataDir, int embeddedPort, int poolSize) {

  public static DatabaseSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.db");
    String url = c.getString("url").trim();
    Optional<DbCoordinates> external = url.isEmpty()
        ? Optional.empty()
        : Optional.of(new DbCoordinates(url, c.getString("user"), c.getString("password")));
    return new DatabaseSettings(
        external, Path.of(c.getString("data-dir")), c.getInt("embedded-port"), c.getInt("pool-size"));
  }
}
