package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.http.ApiSettings.LoginThrottleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Growing delays that slow an attacker down for long but a merchant's account only briefly. */
class LoginThrottleTest {
  private static final LoginThrottleSettings SETTINGS = new LoginThrottleSettings(Duration.ofSeconds(1),
      Duration.ofMinutes(15), 5, Duration.ofSeconds(10), 10, Duration.ofMinutes(15), 3, Duration.ofMinutes(15));

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void delaysDoubleAfterTheFreeFailuresForThePair() {
    ManualClock clock = new ManualClock();
    LoginThrottle throttle = new LoginThrottle(SETTINGS, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.delay("shop@example.com", "10.0.0.1")).isEmpty();
      throttle.failed("shop@example.com", "10.0.0.1");
    }
    assertThat(throttle.delay("shop@example.com", "10.0.0.1")).isEmpty();
    throttle.failed("shop@example.com", "10.0.0.1");
    assertThat(throttle.delay("shop@example.com", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
    clock.now = clock.now.plusSeconds(1);
    throttle.failed("shop@example.com", "10.0.0.1");
    assertThat(throttle.delay("shop@example.com", "10.0.0.1")).hasValue(Duration.ofSeconds(2));
    clock.now = clock.now.plusSeconds(2);
    throttle.failed("shop@example.com", "10.0.0.1");
    assertThat(throttle.delay("shop@example.com", "10.0.0.1")).hasValue(Duration.ofSeconds(4));
  }

  @Test
  void anAttackerElsewhereDelaysTheMerchantAtMostTheAccountCap() {
    ManualClock clock = new ManualClock();
    LoginThrottle throttle = new LoginThrottle(SETTINGS, clock);
    for (int i = 0; i < 40; i++) {
      Optional<Duration> wait = throttle.delay("shop@example.com", "203.0.113.9");
      clock.now = clock.now.plus(wait.orElse(Duration.ZERO));
      throttle.failed("shop@example.com", "203.0.113.9");
    }
    assertThat(throttle.delay("shop@example.com", "203.0.113.9").orElseThrow()).isEqualTo(Duration.ofMinutes(15));
    assertThat(throttle.delay("shop@example.com", "198.51.100.7").orElseThrow())
        .as("the merchant, from another address").isLessThanOrEqualTo(Duration.ofSeconds(10));
    clock.now = clock.now.plusSeconds(10);
    assertThat(throttle.delay("shop@example.com", "198.51.100.7")).isEmpty();
    throttle.succeeded("shop@example.com", "198.51.100.7");
    assertThat(throttle.delay("shop@example.com", "203.0.113.9")).as("the attacker stays slowed").isPresent();
  }

  @Test
  void failuresAreForgottenAfterAQuietSpell() {
    ManualClock clock = new ManualClock();
    LoginThrottle throttle = new LoginThrottle(SETTINGS, clock);
    for (int i = 0; i < 4; i++) {
      throttle.failed("a@example.com", "10.0.0.2");
    }
    clock.now = clock.now.plus(Duration.ofMinutes(16));
    throttle.failed("a@example.com", "10.0.0.2");
    assertThat(throttle.delay("a@example.com", "10.0.0.2")).isEmpty();
  }
}
