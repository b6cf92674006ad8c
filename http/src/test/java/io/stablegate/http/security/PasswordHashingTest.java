package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings.PasswordHashingSettings;
import io.stablegate.engine.Failures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Password hashing has a bounded pool of its own: when it is full the answer is 503, not a queue. */
class PasswordHashingTest {

  @Test
  void aFullPoolAnswers503WithRetryAfterAtOnce() throws Exception {
    PasswordHashing hashing = new PasswordHashing(new PasswordHashingSettings(1, 1));
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<Boolean> running = hashing.run(() -> release.await(30, TimeUnit.SECONDS)).toCompletableFuture();
      CompletableFuture<String> queued = hashing.run(() -> "queued").toCompletableFuture();
      CompletableFuture<String> refused = hashing.run(() -> "never").toCompletableFuture();

      assertThat(refused).isCompletedExceptionally();
      Throwable error = Failures.cause(refused.handle((v, e) -> e).get());
      assertThat(error).isInstanceOf(ApiProblem.class);
      assertThat(((ApiProblem) error).problem().status()).isEqualTo(503);
      assertThat(((ApiProblem) error).refusedForLoad()).as("answered after the refusal delay").isTrue();
      assertThat(((ApiProblem) error).retryAfter()).isPresent();

      release.countDown();
      assertThat(running.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("queued");
    } finally {
      release.countDown();
      hashing.shutdown();
    }
  }

  @Test
  void aFullPoolRefusesBeforeTheWorkIsSubmitted() throws Exception {
    PasswordHashing hashing = new PasswordHashing(new PasswordHashingSettings(1, 1));
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<Boolean> running = hashing.run(() -> release.await(30, TimeUnit.SECONDS)).toCompletableFuture();
      assertThatCode(hashing::refuseWhenFull).as("a waiting place is free").doesNotThrowAnyException();
      CompletableFuture<String> queued = hashing.run(() -> "queued").toCompletableFuture();

      ApiProblem refused = catchThrowableOfType(ApiProblem.class, hashing::refuseWhenFull);
      assertThat(refused.problem().status()).isEqualTo(503);
      assertThat(refused.retryAfter()).isPresent();

      release.countDown();
      assertThat(running.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("queued");
      assertThatCode(hashing::refuseWhenFull).as("drained").doesNotThrowAnyException();
    } finally {
      release.countDown();
      hashing.shutdown();
    }
  }
}
