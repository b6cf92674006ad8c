package io.stablegate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.db.DbCoordinates;
import java.time.Clock;
import java.util.Optional;

/**
 * What differs between one start of a node and another; everything else is the same code.
 *
 * @param overrides settings in front of the node's configuration ({@code application.conf},
 *     {@code reference.conf}, the {@code STABLEGATE_…} variables): ports, chains, timings
 * @param clock the clock of the entities, sweepers and sessions
 * @param database an existing database to connect to (and migrate); when empty, the one
 *     {@code stablegate.db} names, external or embedded
 */
public record NodeOptions(Config overrides, Clock clock, Optional<DbCoordinates> database) {

  /** What {@code stablegate serve} runs: the configuration as it is, the system clock, {@code stablegate.db}. */
  public static NodeOptions production() {
    return new NodeOptions(ConfigFactory.empty(), Clock.systemUTC(), Optional.empty());
  }

  public NodeOptions withOverrides(Config more) {
    return new NodeOptions(more.withFallback(overrides), clock, database);
  }
}
