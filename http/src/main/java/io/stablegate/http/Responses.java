package io.stablegate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** JSON and problem+json answers, written with {@link Json#MAPPER}. */
public final class Responses {
  public static final ContentType.WithFixedCharset PROBLEM_JSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private Responses() {}

  public static HttpResponse json(int status, Object body) {
    return HttpResponse.create().withStatus(StatusCodes.get(status))
        .withEntity(ContentTypes.APPLICATION_JSON, bytes(body));
  }

  /** A body that is JSON text already (a stored response). */
  public static HttpResponse rawJson(int status, String json) {
    return HttpResponse.create().withStatus(StatusCodes.get(status))
        .withEntity(ContentTypes.APPLICATION_JSON, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static HttpResponse noContent() {
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
  }

  public static HttpResponse problem(ApiProblem problem) {
    List<HttpHeader> headers = new ArrayList<>();
    problem.retryAfter().ifPresent(d -> headers.add(RawHeader.create("Retry-After", retryAfterSeconds(d))));
    if (problem.problem().status() == 401) {
      headers.add(RawHeader.create("WWW-Authenticate", "Bearer"));
    }
    return HttpResponse.create().withStatus(StatusCodes.get(problem.problem().status()))
        .withEntity(PROBLEM_JSON, bytes(problem.problem()))
        .addHeaders(headers);
  }

  /** Whole seconds, rounded up, at least 1. */
  public static String retryAfterSeconds(Duration delay) {
    long millis = Math.max(1, delay.toMillis());
    return Long.toString((millis + 999) / 1000);
  }

  public static byte[] bytes(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response body of " + body.getClass().getSimpleName(), e);
    }
  }
}
