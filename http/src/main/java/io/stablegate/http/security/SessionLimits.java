package io.stablegate.http.security;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long a dashboard session may live in total from its login however often its token is renewed
 * ({@code stablegate.http.session.max-lifetime}, {@code STABLEGATE_SESSION_MAX_LIFETIME}), and how long
 * a login or a password confirmation counts as fresh for changes of wallets, webhooks and API keys
 * ({@code stablegate.http.session.confirmation-window}).
 */
public record SessionLimits(Duration maxLifetime, Duration confirmationWindow) {

  public SessionLimits {
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("stablegate.http.session.max-lifetime must be positive");
    }
    if (confirmationWindow.isNegative()) {
      throw new IllegalArgumentException("stablegate.http.session.confirmation-window must not be negative");
    }
  }

  public static SessionLimits fromConfig(Config root) {
    Config c = root.getConfig("stablegate.http.session");
    return new SessionLimits(c.getDuration("max-lifetime"), c.getDuration("confirmation-window"));
  }
}
