package io.stablegate.http.security;

import io.stablegate.http.ApiSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Headers on every response, errors included: a strict Content-Security-Policy, nosniff, no
 * referrer, no framing, no caching of API answers, and HSTS in production or over TLS.
 */
public final class SecurityHeaders extends AllDirectives {
  private final List<HttpHeader> headers;

  public SecurityHeaders(ApiSettings settings) {
    List<HttpHeader> h = new ArrayList<>();
    h.add(RawHeader.create("Content-Security-Policy", settings.contentSecurityPolicy()));
    h.add(RawHeader.create("X-Content-Type-Options", "nosniff"));
    h.add(RawHeader.create("Referrer-Policy", settings.referrerPolicy()));
    h.add(RawHeader.create("X-Frame-Options", "DENY"));
    h.add(RawHeader.create("Cache-Control", "no-store"));
    if (settings.production() || settings.tls()) {
      h.add(RawHeader.create("Strict-Transport-Security", settings.hsts()));
    }
    this.headers = List.copyOf(h);
  }

  /** The headers themselves, for answers given outside the routes. */
  public List<HttpHeader> headers() {
    return headers;
  }

  public Route wrap(Supplier<Route> inner) {
    return respondWithDefaultHeaders(headers, inner);
  }
}
