package io.stablegate.http;

import io.stablegate.engine.Failures;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an {@code application/problem+json} answer: an {@link ApiProblem} as
 * itself, an entity or database that did not answer in time as 503 with Retry-After, a rejection of
 * the router with its own status, and anything unexpected as a bare 500 (logged, never echoed).
 */
public final class ErrorHandling extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  public Route wrap(java.util.function.Supplier<Route> inner) {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), inner));
  }

  /** The problem an exception (of a failed stage, perhaps wrapped) stands for. */
  public static ApiProblem toProblem(Throwable error) {
    Throwable e = Failures.cause(error);
    if (e instanceof ApiProblem p) {
      return p;
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException || e instanceof SQLTransientException) {
      return ApiProblem.unavailable("The node could not answer in time; retry shortly.");
    }
    if (e instanceof EntityStreamSizeException) {
      return ApiProblem.of(413, "Payload too large", "The request body is larger than allowed.");
    }
    if (e instanceof StatusReply.ErrorMessage m) {
      return ApiProblem.of(409, "Conflict", m.getMessage());
    }
    log.error("Unexpected failure answering a request", e);
    return ApiProblem.of(500, "Internal error", "Something went wrong on our side.");
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, e -> complete(Responses.problem(toProblem(e))))
        .build();
  }

  private RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asProblem);
  }

  /** The router's own answers (404, 405, …) as problem+json with the same status. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(Responses.PROBLEM_JSON)) {
      return response;
    }
    int status = response.status().intValue();
    String detail = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
        ? strict.getData().utf8String()
        : response.status().reason();
    String title = status == 404 ? "Not found" : response.status().reason();
    if (status == 404) {
      detail = "No such endpoint.";
    }
    ApiProblem problem = ApiProblem.of(status, title, detail);
    return Responses.problem(problem).addHeaders(response.getHeaders());
  }
}
