package io.stablegate.engine.rates;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.stablegate.engine.money.Token;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * The node's exchange rates, per token ({@link Token}: one USDC need not be worth one USDT). A background
 * refresh asks the {@link RateProvider} for each token every {@code refresh}; {@link #quote} answers from
 * memory, so pricing an invoice never waits on the
 * network. What the provider says is believed only if it is a positive plain decimal that moved at
 * most {@code maxChange} (a fraction) from the last good rate of that token and currency while that
 * one is still fresh; otherwise the last good rate stays until it is older than {@code maxAge}, after which
 * {@link #quote} has nothing for that token and currency (and a later plausible answer is believed again).
 *
 * <p>One refresh runs at a time (fixed delay); readers see an immutable snapshot.
 */
public final class RateSource {
  private static final Logger log = LoggerFactory.getLogger(RateSource.class);
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,18})?");
  private static final int MAX_ERROR_LENGTH = 500;

  /**
   * What the health answer shows. {@code ageSeconds} is null until a refresh believed something;
   * {@code currencies}: per token, the currencies it has a fresh rate in.
   */
  public record Status(String source, Instant lastRefreshAt, Long ageSeconds, String lastError, Instant lastErrorAt,
      long failures, Map<Token, List<String>> currencies) {}

  private final RateProvider provider;
  private final Duration refresh;
  private final Duration maxAge;
  private final BigDecimal maxChange;
  private final Clock clock;
  private final AtomicLong failures = new AtomicLong();
  private volatile Map<Token, Map<String, ExchangeRate>> rates = Map.of();
  private volatile Instant lastRefreshAt;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  public RateSource(RateProvider provider, Duration refresh, Duration maxAge, BigDecimal maxChange, Clock clock) {
    this.provider = provider;
    this.refresh = refresh;
    this.maxAge = maxAge;
    this.maxChange = maxChange;
    this.clock = clock;
  }

  public RateSource(RateProvider provider, RatesSettings settings, Clock clock) {
    this(provider, settings.refresh(), settings.maxAge(), settings.maxChange(), clock);
  }

  /** Refreshes now and then every {@code refresh}, on {@code executor} (a dispatcher for blocking work). */
  public Cancellable start(Scheduler scheduler, Executor executor) {
    log.info("Exchange rates from {} every {}, usable for {}", provider.name(), refresh, maxAge);
    return scheduler.scheduleWithFixedDelay(Duration.ZERO, refresh, this::refreshNow,
        ExecutionContext.fromExecutor(executor));
  }

  public String sourceName() {
    return provider.name();
  }

  public Duration maxAge() {
    return maxAge;
  }

  public Duration refreshInterval() {
    return refresh;
  }

  /** The last good rate of {@code currency} per one {@code token} if it is fresh (younger than max age). */
  public Optional<ExchangeRate> quote(Token token, String currency) {
    ExchangeRate rate = rates.getOrDefault(token, Map.of()).get(currency);
    return rate != null && isFresh(rate, clock.instant()) ? Optional.of(rate) : Optional.empty();
  }

  public Status status() {
    Instant now = clock.instant();
    Instant last = lastRefreshAt;
    Map<Token, List<String>> fresh = new EnumMap<>(Token.class);
    for (Token token : Token.values()) {
      fresh.put(token, rates.getOrDefault(token, Map.of()).values().stream().filter(r -> isFresh(r, now))
          .map(ExchangeRate::currency).sorted().toList());
    }
    return new Status(provider.name(), last, last == null ? null : Duration.between(last, now).toSeconds(),
        lastError, lastErrorAt, failures.get(), fresh);
  }

  /** Seconds since a refresh last believed a rate; NaN before the first. */
  public double ageSeconds() {
    Instant last = lastRefreshAt;
    return last == null ? Double.NaN : Duration.between(last, clock.instant()).toMillis() / 1000.0;
  }

  /** Refreshes that failed or brought a rate that was not believed. */
  public long failures() {
    return failures.get();
  }

  /**
   * One refresh: asks the provider for each token and keeps what is believable. A refresh with any
   * failure counts once and reports every one. Never throws.
   */
  public void refreshNow() {
    Map<Token, Map<String, ExchangeRate>> next = new EnumMap<>(Token.class);
    List<String> errors = new ArrayList<>();
    boolean believedAny = false;
    for (Token token : Token.values()) {
      Map<String, ExchangeRate> previous = rates.getOrDefault(token, Map.of());
      Map<String, ExchangeRate> kept = new TreeMap<>(previous);
      next.put(token, kept);
      Map<String, String> answer;
      try {
        answer = provider.fetch(token);
      } catch (Exception | LinkageError e) {
        errors.add("the " + provider.name() + " rate provider failed for " + token + ": " + describe(e));
        continue;
      }
      if (answer.isEmpty()) {
        errors.add("the " + provider.name() + " rate provider answered no " + token + " rates");
        continue;
      }
      Instant now = clock.instant();
      List<String> refused = new ArrayList<>();
      for (Map.Entry<String, String> entry : answer.entrySet()) {
        String currency = entry.getKey();
        Optional<BigDecimal> value = parse(entry.getValue());
        if (value.isEmpty()) {
          refused.add(currency + " \"" + abbreviate(String.valueOf(entry.getValue())) + "\" is not a positive decimal");
          continue;
        }
        ExchangeRate last = previous.get(currency);
        if (last != null && isFresh(last, now) && movedTooFar(last.rate(), value.get())) {
          refused.add(currency + " " + value.get().toPlainString() + " moved more than " + percent(maxChange)
              + " from " + last.rate().toPlainString());
          continue;
        }
        kept.put(currency, new ExchangeRate(currency, value.get(), provider.name(), now));
      }
      believedAny |= refused.size() < answer.size();
      if (!refused.isEmpty()) {
        errors.add("not believed from " + provider.name() + " for " + token + ": " + String.join("; ", refused));
      }
    }
    Map<Token, Map<String, ExchangeRate>> frozen = new EnumMap<>(Token.class);
    next.forEach((token, kept) -> frozen.put(token, Map.copyOf(kept)));
    rates = frozen;
    if (believedAny) {
      lastRefreshAt = clock.instant();
    }
    if (!errors.isEmpty()) {
      fail(String.join("; ", errors));
    }
  }

  private void fail(String error) {
    failures.incrementAndGet();
    lastError = abbreviate(error);
    lastErrorAt = clock.instant();
    log.warn("Exchange rates: {}", lastError);
  }

  private boolean isFresh(ExchangeRate rate, Instant now) {
    return Duration.between(rate.at(), now).compareTo(maxAge) < 0;
  }

  private boolean movedTooFar(BigDecimal previous, BigDecimal next) {
    BigDecimal change = next.subtract(previous).abs().divide(previous, MathContext.DECIMAL64);
    return change.compareTo(maxChange) > 0;
  }

  /** A positive plain decimal, or nothing. */
  static Optional<BigDecimal> parse(String text) {
    if (text == null || !PLAIN_DECIMAL.matcher(text.trim()).matches()) {
      return Optional.empty();
    }
    BigDecimal value = new BigDecimal(text.trim());
    return value.signum() > 0 ? Optional.of(value.stripTrailingZeros()) : Optional.empty();
  }

  private static String percent(BigDecimal fraction) {
    return fraction.movePointRight(2).stripTrailingZeros().toPlainString() + " %";
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
  }
}
