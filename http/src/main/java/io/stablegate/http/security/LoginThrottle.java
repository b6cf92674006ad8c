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
 * password, and do not count. An attempt is {@link #reserve reserved} before its password is checked:
 * the check for a delay and the counting of the attempt as a failure are one atomic step, so
 * concurrent attempts count as if made one after another; a correct password then takes its
 * failure back. The per-account delay is capped short (seconds), so an attacker who
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

  /**
   * Before a password is checked: the wait if the account, the address or the pair is delayed (the
   * attempt is then refused and not counted); otherwise the attempt is counted as a failure until
   * {@link #succeeded} or {@link #abandoned} says otherwise.
   */
  public synchronized Optional<Duration> reserve(String account, String address) {
    Optional<Duration> wait = delay(account, address);
    if (wait.isEmpty()) {
      failed(account, address);
    }
    return wait;
  }

  /** A reserved attempt whose password was never checked (the check could not run): it does not count. */
  public synchronized void abandoned(String account, String address) {
    perAccount.undo(account);
    perAddress.undo(address);
    perPair.undo(pair(account, address));
  }

  /** How long this attempt must wait, if at all. */
  public synchronized Optional<Duration> delay(String account, String address) {
    return Stream.of(perAccount.remaining(account), perAddress.remaining(address),
            perPair.remaining(pair(account, address)))
        .flatMap(Optional::stream)
        .max(Duration::compareTo);
  }

  public synchronized void failed(String account, String address) {
    perAccount.failure(account);
    perAddress.failure(address);
    perPair.failure(pair(account, address));
  }

  /**
   * A reserved attempt had the correct password: it clears the account's and the pair's count, and
   * takes back the failure it reserved for the address (the address's earlier failures stay).
   */
  public synchronized void succeeded(String account, String address) {
    perAccount.clear(account);
    perPair.clear(pair(account, address));
    perAddress.undo(address);
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

    /** Takes one failure back; a key no longer over its free failures is no longer delayed. */
    void undo(String key) {
      states.computeIfPresent(key, (k, old) -> {
        if (old.failures() <= 1) {
          return null;
        }
        int failures = old.failures() - 1;
        return new State(failures, old.lastFailure(), failures > free ? old.blockedUntil() : old.lastFailure());
      });
    }

    void clear(String key) {
      states.remove(key);
    }
  }
}
