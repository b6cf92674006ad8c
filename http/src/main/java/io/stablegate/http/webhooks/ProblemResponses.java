package io.stablegate.http.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stablegate.http.Json;
import io.stablegate.http.Problem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** JSON and {@code application/problem+json} answers of the webhook routes. */
final class ProblemResponses {
  private static final ContentType PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private ProblemResponses() {}

  static HttpResponse problem(int status, String title, String detail) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(PROBLEM_JSON, write(Problem.of(status, title, detail)));
  }

  static HttpResponse json(StatusCode status, Object body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, write(body));
  }

  private static byte[] write(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + body.getClass().getSimpleName(), e);
    }
  }
}
