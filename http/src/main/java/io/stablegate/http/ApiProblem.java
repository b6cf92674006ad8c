package io.stablegate.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A request that ends in an error answer: thrown (or failed into a stage) anywhere below the routes
 * and rendered as its {@link Problem} by {@link ErrorHandling}. Carries no stack trace: it is an
 * answer, not a fault.
 */
public final class ApiProblem extends RuntimeException {
  private final Problem problem;
  private final Optional<Duration> retryAfter;
  private final boolean refusedForLoad;

  public ApiProblem(Problem problem, Optional<Duration> retryAfter) {
    this(problem, retryAfter, false);
  }

  private ApiProblem(Problem problem, Optional<Duration> retryAfter, boolean refusedForLoad) {
    super(problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
    this.retryAfter = retryAfter;
    this.refusedForLoad = refusedForLoad;
  }

  public static ApiProblem of(int status, String title, String detail) {
    return new ApiProblem(Problem.of(status, title, detail), Optional.empty());
  }

  /** 400 with one offending field. */
  public static ApiProblem field(String field, String message) {
    return new ApiProblem(Problem.validation(List.of(new Problem.FieldError(field, message))), Optional.empty());
  }

  public static ApiProblem fields(List<Problem.FieldError> errors) {
    return new ApiProblem(Problem.validation(errors), Optional.empty());
  }

  public static ApiProblem notFound(String what) {
    return of(404, "Not found", what + " does not exist");
  }

  public static ApiProblem unauthorized(String detail) {
    return of(401, "Unauthorized", detail);
  }

  /** 429: the client is over one of its rates (a refusal for load). */
  public static ApiProblem tooManyRequests(Duration retryAfter) {
    return new ApiProblem(Problem.of(429, "Too many requests", "Slow down; retry after the Retry-After delay."),
        Optional.of(retryAfter), true);
  }

  /** 403: the change needs the password confirmed within the last minutes (a stale session). */
  public static ApiProblem reauthenticationRequired() {
    return new ApiProblem(new Problem("https://stablegate.io/problems/reauthentication-required",
        "Reauthentication required", 403,
        "Confirm your password (POST /api/v1/auth/confirm-password), then repeat this change.", null),
        Optional.empty());
  }

  public static ApiProblem unavailable(String detail) {
    return new ApiProblem(Problem.of(503, "Service unavailable", detail), Optional.of(Duration.ofSeconds(1)));
  }

  /** 503: the node has no room for this work now (a bounded pool is full; a refusal for load). */
  public static ApiProblem busy(String detail) {
    return new ApiProblem(Problem.of(503, "Service unavailable", detail), Optional.of(Duration.ofSeconds(1)), true);
  }

  public Problem problem() {
    return problem;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  /** Whether this refuses the request for load (a rate exceeded, a full pool), not for what it asks. */
  public boolean refusedForLoad() {
    return refusedForLoad;
  }
}
