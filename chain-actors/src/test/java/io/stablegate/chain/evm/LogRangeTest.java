package io.stablegate.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogRangeTest {
  @Test
  void halvesOnRefusalDownToOneBlockAndGrowsBackAfterSuccesses() {
    LogRange range = new LogRange(1000);
    assertThat(range.shrink()).isTrue();
    assertThat(range.size()).isEqualTo(500);
    while (range.size() > 1) {
      range.shrink();
    }
    assertThat(range.shrink()).isFalse();
    for (int i = 0; i < 8; i++) {
      range.succeeded();
    }
    assertThat(range.size()).isEqualTo(2);
  }

  @Test
  void recognisesProvidersWaysOfSayingTooLarge() {
    assertThat(LogRange.isRangeTooLarge(-32005, "query returned more than 10000 results")).isTrue();
    assertThat(LogRange.isRangeTooLarge(-32600, "eth_getLogs block range too large, max 500")).isTrue();
    assertThat(LogRange.isRangeTooLarge(-32000, "exceed maximum block range: 5000")).isTrue();
    assertThat(LogRange.isRangeTooLarge(-32000, "header not found")).isFalse();
  }
}
