package io.stablegate.http.security;

import io.stablegate.http.ApiSettings.LoginThrottleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Slows password guessing down with growing delays: per account, per client address, and per
 * (account, address) pair. While a key is delayed, attempts are answered 429 without checking the
 * password, and do not count. The per-account delay is capped short (seconds), so an attacker who
 * fails on purpose cannot keep a merchant out for long; the per-address and per-pair delays, which
 * only the attacker's own address suffers, grow to minutes. Node-local, forgotten after a quiet spell.
 */
public final class LoginThrottle {
  private final GrowingDelay perAccount;
  private final GrowingDelay perAddress;
  private final GrowingDelay perPair;

  public LoginThrottle(LoginThrottleSettings s, Clock clock) {
    this.perAccount = new GrowingDelay(s.accountFreeFailures(), s.baseDelay(), s.accountMaxDelay(), s.forgetAfter(), clock);
    this.perAddress = new GrowingDelay(s.addressFreeFailures(), s.baseDelay(), s.addressMaxDelay(), s.forgetAfter(), clock);
    this.perPair = new GrowingDelay(s.pairFreeFailures(), s.baseDelay(), s.pairMaxDelay(), s.forgetAfter(), clock);
  }

  /** How long this attempt must wait, if at all. */
  public Optional<Duration> delay(String account, String address) {
    return Stream.of(perAccount.remaining(account), perAddress.remaining(address),
            perPair.remaining(pair(account, address)))
        .flatMap(Optional::stream)
        .max(Duration::compareTo);
  }

  public void failed(String account, String address) {
    perAccount.failure(account);
    perAddress.failure(address);
    perPair.failure(pair(account, address));
  }

  /** A correct password clears the account's and the pair's count (not the address's). */
  public void succeeded(String account, String address) {
    perAccount.clear(account);
    perPair.clear(pair(account, address));
  }

  private static String pair(String account, String address) {
    return account + "\u0000" + address;
  }

  /** Failures of one kind of key; after {@code free} of them each further one doubles the delay. */
  static final class GrowingDelay {
    private record State(int failures, Instant lastFailure, Instant blockedUntil) {}

    private static final int MAX_TRACKED = 100_000;

    private final int free;
    private final Duration base;
    private final Duration max;
    private final Duration forgetAfter;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    GrowingDelay(int free, Duration base, Duration max, Duration forgetAfter, Clock clock) {
      this.free = free;
      this.base = base;
      this.max = max;
      this.forgetAfter = forgetAfter;
      this.clock = clock;
    }

    Optional<Duration> remaining(String key) {
      State state = states.get(key);
      Instant now = clock.instant();
      if (state == null || !state.blockedUntil().isAfter(now)) {
        return Optional.empty();
      }
      return Optional.of(Duration.between(now, state.blockedUntil()));
    }

    void failure(String key) {
      Instant now = clock.instant();
      if (states.size() >= MAX_TRACKED) {
        states.values().removeIf(s -> s.lastFailure().plus(forgetAfter).isBefore(now));
      }
      states.compute(key, (k, old) -> {
        int failures = old == null || old.lastFailure().plus(forgetAfter).isBefore(now) ? 1 : old.failures() + 1;
        Instant blockedUntil = now;
        if (failures > free) {
          int doublings = Math.min(failures - free - 1, 30);
          Duration delay = base.multipliedBy(1L << doublings);
          blockedUntil = now.plus(delay.compareTo(max) > 0 ? max : delay);
        }
        return new State(failures, now, blockedUntil);
      });
    }

    void clear(String key) {
      states.remove(key);
    }
  }
}
