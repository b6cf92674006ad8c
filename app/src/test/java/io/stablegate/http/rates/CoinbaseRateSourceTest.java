package io.stablegate.http.rates;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.money.Token;
import io.stablegate.engine.rates.ExchangeRate;
import io.stablegate.engine.rates.FixedRates;
import io.stablegate.engine.rates.PriceConversion;
import io.stablegate.engine.rates.RateSource;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rate source fed by the {@code coinbase} provider over real HTTP from a local server that answers
 * in Coinbase's format. Refreshes are run one at a time ({@link RateSource#refreshNow}) on a clock the
 * test moves, so what is believed and for how long is exact.
 */
class CoinbaseRateSourceTest {
  private static final Duration REFRESH = Duration.ofSeconds(30);
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T05:00:00Z"));
  private CoinbaseImitation coinbase;
  private RateSource rates;

  @BeforeEach
  void start() throws Exception {
    coinbase = new CoinbaseImitation();
    rates = new RateSource(new CoinbaseRates(coinbase.url(), Duration.ofSeconds(5)), REFRESH, MAX_AGE,
        new BigDecimal("0.2"), clock);
  }

  @AfterEach
  void stop() {
    coinbase.close();
  }

  @Test
  void ratesInCoinbasesFormatAreServedFromMemoryWithTheirSourceAndTime() {
    coinbase.answer(Map.of("EUR", "0.92", "CNY", "7.1034"));

    rates.refreshNow();

    assertThat(rates.quote(Token.USDT, "EUR")).contains(new ExchangeRate("EUR", new BigDecimal("0.92"), "coinbase", clock.instant()));
    assertThat(rates.quote(Token.USDT, "CNY").orElseThrow().rate()).isEqualByComparingTo("7.1034");
    assertThat(rates.quote(Token.USDT, "BTC")).as("crypto assets are not currencies an invoice is priced in").isEmpty();
    assertThat(rates.quote(Token.USDT, "USD")).isEmpty();
    assertThat(rates.status().lastError()).isNull();
    int asked = coinbase.requests();
    rates.quote(Token.USDT, "EUR");
    assertThat(coinbase.requests()).as("a quote never goes to the network").isEqualTo(asked);
  }

  @Test
  void eachTokenHasItsOwnRates() {
    coinbase.answer(Map.of("EUR", "0.92"), Map.of("EUR", "0.93"));

    rates.refreshNow();

    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.92");
    assertThat(rates.quote(Token.USDC, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.93");
    assertThat(rates.status().currencies()).containsEntry(Token.USDT, List.of("EUR"))
        .containsEntry(Token.USDC, List.of("EUR"));

    clock.advance(REFRESH);
    coinbase.answer(Map.of("EUR", "0.92"), Map.of("EUR", "abc"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDC, "EUR").orElseThrow().rate()).as("the last good USDC rate")
        .isEqualByComparingTo("0.93");
    assertThat(rates.status().lastError()).contains("for USDC", "EUR \"abc\"").doesNotContain("for USDT");
  }

  @Test
  void tenEuroAtZeroPointNineTwoIsTenPointEightySevenRoundedUp() {
    assertThat(PriceConversion.tokenAmount(new BigDecimal("10"), new BigDecimal("0.92"))).isEqualByComparingTo("10.87");
    assertThat(PriceConversion.tokenAmount(new BigDecimal("9.2"), new BigDecimal("0.92")))
        .as("exact: nothing added").isEqualByComparingTo("10");
    assertThat(PriceConversion.tokenAmount(new BigDecimal("100"), new BigDecimal("7.1"))).isEqualByComparingTo("14.09");
    assertThat(PriceConversion.tokenAmount(new BigDecimal("0.001"), new BigDecimal("0.92")))
        .as("never rounded down to nothing").isEqualByComparingTo("0.01");
  }

  @Test
  void aRateIsUsableUntilMaxAgeAndNotAfter() {
    coinbase.answer(Map.of("EUR", "0.92"));
    rates.refreshNow();
    coinbase.down();

    clock.advance(MAX_AGE.minusSeconds(1));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR")).isPresent();
    assertThat(rates.status().lastError()).contains("HTTP 503");

    clock.advance(Duration.ofSeconds(1));
    assertThat(rates.quote(Token.USDT, "EUR")).as("stale").isEmpty();
    assertThat(rates.status().ageSeconds()).isEqualTo(MAX_AGE.toSeconds());
  }

  @Test
  void garbageIsNotBelievedAndTheLastGoodRateIsKeptUntilTooOld() {
    coinbase.answer(Map.of("EUR", "0.92", "CNY", "7.1", "GBP", "0.79", "JPY", "150.2"));
    rates.refreshNow();
    long failures = rates.failures();

    clock.advance(REFRESH);
    coinbase.answer(Map.of("EUR", "abc", "CNY", "0", "GBP", "-0.79", "JPY", "1.5e2"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.92");
    assertThat(rates.quote(Token.USDT, "CNY").orElseThrow().rate()).isEqualByComparingTo("7.1");
    assertThat(rates.quote(Token.USDT, "GBP").orElseThrow().rate()).isEqualByComparingTo("0.79");
    assertThat(rates.quote(Token.USDT, "JPY").orElseThrow().rate()).isEqualByComparingTo("150.2");
    assertThat(rates.status().lastError()).contains("EUR \"abc\"", "CNY \"0\"", "GBP \"-0.79\"", "JPY \"1.5e2\"");
    assertThat(rates.failures()).isEqualTo(failures + 1);

    clock.advance(REFRESH);
    coinbase.answerRaw(200, "{\"data\":{\"currency\":\"BTC\",\"rates\":{\"EUR\":\"80000\"}}}");
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).as("an answer about another asset").isEqualByComparingTo("0.92");
    coinbase.answerRaw(200, "<html>not json</html>");
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.92");
    assertThat(rates.status().lastError()).contains("not JSON");

    clock.advance(MAX_AGE.minus(REFRESH.multipliedBy(2)));
    assertThat(rates.quote(Token.USDT, "EUR")).as("the last good rate, now too old").isEmpty();
  }

  @Test
  void aRateThatMovedMoreThanTheBoundIsNotBelievedWhileTheLastGoodOneIsFresh() {
    coinbase.answer(Map.of("EUR", "0.92"));
    rates.refreshNow();

    clock.advance(REFRESH);
    coinbase.answer(Map.of("EUR", "1.2"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.92");
    assertThat(rates.status().lastError()).contains("EUR 1.2 moved more than 20 % from 0.92");

    coinbase.answer(Map.of("EUR", "1.1"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).as("19.6 % is within the bound").isEqualByComparingTo("1.1");

    clock.advance(MAX_AGE);
    coinbase.answer(Map.of("EUR", "2.0"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate())
        .as("with no fresh rate to compare to, a plausible one is believed again").isEqualByComparingTo("2.0");
  }

  @Test
  void theProviderDownAndBackRecoversByItself() {
    coinbase.answer(Map.of("EUR", "0.92"));
    rates.refreshNow();
    coinbase.hangUp();

    clock.advance(MAX_AGE);
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR")).isEmpty();
    assertThat(rates.status().lastError()).startsWith("the coinbase rate provider failed");
    long failures = rates.failures();

    coinbase.answer(Map.of("EUR", "0.93"));
    rates.refreshNow();
    assertThat(rates.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.93");
    assertThat(rates.failures()).isEqualTo(failures);
    assertThat(rates.status().ageSeconds()).isZero();
  }

  @Test
  void theFixedSourceServesItsConfiguredRatesAndNeverAges() {
    RateSource fixed = new RateSource(FixedRates.parse("EUR=0.92, CNY=7.1"), REFRESH, MAX_AGE, new BigDecimal("0.2"),
        clock);
    fixed.refreshNow();
    clock.advance(MAX_AGE.multipliedBy(2));
    fixed.refreshNow();

    assertThat(fixed.quote(Token.USDT, "CNY")).contains(new ExchangeRate("CNY", new BigDecimal("7.1"), "fixed", clock.instant()));
    assertThat(fixed.quote(Token.USDT, "EUR").orElseThrow().rate()).isEqualByComparingTo("0.92");
    assertThat(fixed.status().lastError()).isNull();
  }

  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

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
}
