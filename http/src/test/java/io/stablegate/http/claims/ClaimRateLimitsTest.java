package io.stablegate.http.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.ApiProblem;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The claim limits with their defaults from reference.conf: 10 a minute per address, 5 per invoice. */
class ClaimRateLimitsTest {
  private final ClaimSettings defaults = ClaimSettings.fromConfig(ConfigFactory.load());

  @Test
  void theDefaultsAllowTenClaimsAMinuteFromOneAddressThen429WithRetryAfter() {
    assertThat(defaults.perAddressPerMinute()).isGreaterThanOrEqualTo(10);
    ClaimRateLimits limits = new ClaimRateLimits(defaults);
    for (int i = 0; i < defaults.perAddressPerMinute(); i++) {
      limits.forAddress("203.0.113.7");
    }
    assertThatThrownBy(() -> limits.forAddress("203.0.113.7"))
        .isInstanceOfSatisfying(ApiProblem.class, p -> {
          assertThat(p.problem().status()).isEqualTo(429);
          assertThat(p.retryAfter()).hasValueSatisfying(d ->
              assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
        });
    limits.forAddress("203.0.113.8"); // another address has its own bucket
  }

  @Test
  void theDefaultsAllowFiveClaimsAMinuteForOneInvoiceThen429() {
    assertThat(defaults.perInvoicePerMinute()).isGreaterThanOrEqualTo(5);
    ClaimRateLimits limits = new ClaimRateLimits(defaults);
    UUID invoice = UUID.randomUUID();
    for (int i = 0; i < defaults.perInvoicePerMinute(); i++) {
      limits.forInvoice(invoice);
    }
    assertThatThrownBy(() -> limits.forInvoice(invoice))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.problem().status()).isEqualTo(429));
    limits.forInvoice(UUID.randomUUID());
  }

  @Test
  void settingsOverrideTheLimits() {
    ClaimSettings lower = ClaimSettings.fromConfig(ConfigFactory.parseString(
        "stablegate.http.claims.per-invoice-per-minute = 1").withFallback(ConfigFactory.load()));
    ClaimRateLimits limits = new ClaimRateLimits(lower);
    UUID invoice = UUID.randomUUID();
    limits.forInvoice(invoice);
    assertThatThrownBy(() -> limits.forInvoice(invoice)).isInstanceOf(ApiProblem.class);
  }
}
