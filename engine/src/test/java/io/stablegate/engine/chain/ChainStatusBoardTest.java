package io.stablegate.engine.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.money.Chain;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChainStatusBoardTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("ChainStatusBoardTest");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ChainStatus status(Chain chain, long head, long scanned, Instant at) {
    return new ChainStatus(chain, head, scanned, "https://rpc.example", null, null, false, at);
  }

  @Test
  void keepsTheLatestStatusOfEachChain() {
    ChainStatusBoard board = ChainStatusBoard.start(testKit.system());
    board.publish(status(Chain.ETHEREUM, 100, 90, T0));
    board.publish(status(Chain.TRON, 5000, 5000, T0));
    board.publish(status(Chain.ETHEREUM, 101, 101, T0.plusSeconds(2)));
    assertThat(board.current()).containsOnlyKeys(Chain.ETHEREUM, Chain.TRON);
    // The board's own listener hears the same statuses through the topic and must not undo them.
    testKit.createTestProbe().awaitAssert(() -> {
      assertThat(board.current().get(Chain.ETHEREUM).head()).isEqualTo(101);
      assertThat(board.current().get(Chain.ETHEREUM).lag()).isZero();
      return null;
    });
    assertThat(board.current().get(Chain.TRON).lag()).isZero();
  }

  @Test
  void lagIsNeverNegative() {
    assertThat(status(Chain.BSC, 10, 4, T0).lag()).isEqualTo(6);
    assertThat(status(Chain.BSC, 10, 12, T0).lag()).isZero();
  }
}
