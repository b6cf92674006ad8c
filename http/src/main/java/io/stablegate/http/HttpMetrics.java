package io.stablegate.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Counts and times every HTTP request by method, route and status ({@code http_server_requests}).
 * The route is the path with ids replaced by placeholders, so the number of series stays bounded.
 */
public final class HttpMetrics extends AllDirectives {
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern OTHER_ID = Pattern.compile("[0-9a-zA-Z_-]{20,}|[0-9]+");

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public Route instrument(Route inner) {
    return extractRequest(request -> {
      long started = System.nanoTime();
      String method = request.method().value();
      String route = routeOf(request.getUri().path());
      return mapResponse(response -> {
        Timer.builder("http.server.requests")
            .tag("method", method)
            .tag("route", route)
            .tag("status", String.valueOf(response.status().intValue()))
            .publishPercentileHistogram(false)
            .register(registry)
            .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        return response;
      }, () -> inner);
    });
  }

  /** {@code /api/v1/invoices/3f2c…/cancel} becomes {@code /api/v1/invoices/{id}/cancel}. */
  static String routeOf(String path) {
    StringBuilder route = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      route.append('/');
      route.append(UUID.matcher(segment).matches() || OTHER_ID.matcher(segment).matches() ? "{id}" : segment);
    }
    return route.isEmpty() ? "/" : route.toString();
  }
}
