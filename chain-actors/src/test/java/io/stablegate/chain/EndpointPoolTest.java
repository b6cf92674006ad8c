package io.stablegate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.chain.Transfer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointPoolTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

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

  private record FakeClient(String endpoint) implements ChainClient {
    @Override
    public long headNumber() {
      return 0;
    }

    @Override
    public Optional<BlockRef> block(long number) {
      return Optional.empty();
    }

    @Override
    public List<Transfer> transfers(List<BlockRef> blocks, Set<String> watched) {
      return List.of();
    }

    @Override
    public List<WatchedToken> tokens() {
      return List.of(new WatchedToken(io.stablegate.engine.money.Token.USDT, "0x0", 6));
    }

    @Override
    public Optional<TransactionLogs> transactionLogs(String txHash) {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  @Test
  void prefersTheFirstEndpointFailsOverAndComesBackOnceItHasRested() throws Exception {
    ManualClock clock = new ManualClock();
    List<String> connects = new ArrayList<>();
    EndpointPool<FakeClient> pool = new EndpointPool<>(List.of("a", "b"), e -> {
      connects.add(e);
      return new FakeClient(e);
    }, Duration.ofSeconds(1), Duration.ofSeconds(8), clock);

    FakeClient a = pool.acquire();
    assertThat(a.endpoint()).isEqualTo("a");
    pool.failed(a, new RuntimeException("down"));
    assertThat(pool.acquire().endpoint()).isEqualTo("b");

    clock.now = clock.now.plusSeconds(2); // longer than the first rest (at most 1 s)
    assertThat(pool.acquire().endpoint()).isEqualTo("a");
    assertThat(connects).containsExactly("a", "b", "a");
  }

  @Test
  void restsLongerAfterEachFailureUpToTheCapAndSaysWhyWhenAllRest() throws Exception {
    ManualClock clock = new ManualClock();
    EndpointPool<FakeClient> pool = new EndpointPool<>(List.of("a"), e -> {
      throw new IllegalStateException("reports chain id 5, expected 1");
    }, Duration.ofSeconds(1), Duration.ofSeconds(8), clock);

    for (int failures = 1; failures <= 6; failures++) {
      assertThatThrownBy(pool::acquire).isInstanceOf(EndpointPool.NoEndpointAvailable.class)
          .hasMessageContaining("chain id");
      Duration rest = pool.nextAttemptIn();
      long cap = Math.min(8_000, 1_000L << (failures - 1));
      assertThat(rest.toMillis()).isBetween(cap / 2, cap);
      clock.now = clock.now.plus(rest);
    }
  }

  @Test
  void hidesCredentialsInEndpointUrls() {
    assertThat(EndpointPool.redact("https://mainnet.example.io/v3/secret-key")).isEqualTo("https://mainnet.example.io/…");
    assertThat(EndpointPool.redact("https://rpc.example.org?apikey=secret")).isEqualTo("https://rpc.example.org?…");
    assertThat(EndpointPool.redact("http://127.0.0.1:8545")).isEqualTo("http://127.0.0.1:8545");
    assertThat(EndpointPool.redact("grpc.trongrid.io:50051")).isEqualTo("grpc.trongrid.io:50051");
  }
}
