package io.stablegate.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedWaitTest {

  @Test
  void answersThatArriveInTimeAreGivenAndTheOthersAreNullOnceTheWaitHasPassed() throws Exception {
    CompletableFuture<String> answered = new CompletableFuture<>();
    CompletableFuture<String> silent = new CompletableFuture<>();
    CompletableFuture<List<String>> within = BoundedWait.answersWithin(List.of(answered, silent), Duration.ofMillis(200));
    answered.complete("taken");
    assertThat(within.get(10, TimeUnit.SECONDS)).containsExactly("taken", null);
    // the late answer still reaches the sender's own callbacks; the bounded wait does not complete it
    assertThat(silent).isNotDone();
    silent.complete("late");
    assertThat(within.get()).containsExactly("taken", null);
  }

  @Test
  void doesNotWaitWhenEveryAnswerIsIn() throws Exception {
    CompletableFuture<List<Integer>> within = BoundedWait.answersWithin(
        List.of(CompletableFuture.completedFuture(1), CompletableFuture.completedFuture(2)), Duration.ofHours(1));
    assertThat(within.get(10, TimeUnit.SECONDS)).containsExactly(1, 2);
    assertThat(BoundedWait.answersWithin(List.<CompletableFuture<Integer>>of(), Duration.ofHours(1))
        .get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aFailedAnswerFailsTheWait() {
    CompletableFuture<String> failed = CompletableFuture.failedFuture(new IllegalStateException("refused"));
    assertThat(BoundedWait.answersWithin(Arrays.asList(failed), Duration.ofHours(1)))
        .failsWithin(Duration.ofSeconds(10));
  }
}
