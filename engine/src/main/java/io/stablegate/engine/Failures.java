package io.stablegate.engine;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The failures of futures, as every module reads them. */
public final class Failures {

  private Failures() {}

  /**
   * What went wrong, without the {@link CompletionException} and {@link ExecutionException} layers
   * that futures wrap around it: a {@code StatusReply.ErrorMessage} (an entity refused), a
   * {@code TimeoutException} (no answer), or whatever else was thrown.
   */
  public static Throwable cause(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
