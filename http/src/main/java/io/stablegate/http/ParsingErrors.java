package io.stablegate.http;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request too malformed to reach the routes (an invalid request target such as
 * {@code %ZZ}, a header with control characters, an oversized header): problem+json with the same
 * security headers as every other answer. Pekko creates this class by name
 * ({@code pekko.http.server.parsing.error-handler}), so the headers are handed to it by
 * {@link HttpServer#start} when the node binds; every node of one JVM shares them.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  private static final AtomicReference<List<HttpHeader>> HEADERS = new AtomicReference<>(List.of());

  /** The headers every answer of this JVM's HTTP servers carries. */
  static void useHeaders(List<HttpHeader> headers) {
    HEADERS.set(List.copyOf(headers));
  }

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.warning("Refused a malformed request: {}", info.summary());
    int code = status.intValue();
    ApiProblem problem = code == 400
        ? ApiProblem.field(part(info.summary()), info.summary())
        : ApiProblem.of(code, status.reason(), status.reason());
    return Responses.problem(problem).addHeaders(HEADERS.get());
  }

  /**
   * What part of the request was malformed, as far as the parser says: {@code headers}, {@code url}
   * or {@code request}. (The parser does not tell which header it refused.)
   */
  private static String part(String summary) {
    String s = summary.toLowerCase(java.util.Locale.ROOT);
    if (s.contains("header")) {
      return "headers";
    }
    if (s.contains("request-target") || s.contains("uri") || s.contains("query") || s.contains("path")) {
      return "url";
    }
    return "request";
  }
}
