package io.stablegate.http.security;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The client's address for rate limits and login throttling: the TCP peer, or, only when a trusted
 * proxy terminates the connections ({@code STABLEGATE_TRUST_PROXY}), the address it forwards.
 * Without that setting a forged {@code X-Forwarded-For} changes nothing.
 */
public final class ClientAddress extends AllDirectives {
  private final boolean trustProxy;

  public ClientAddress(boolean trustProxy) {
    this.trustProxy = trustProxy;
  }

  public Route extract(Function<String, Route> inner) {
    if (trustProxy) {
      return extractClientIP(ip -> inner.apply(text(ip)));
    }
    return extractRequest(request -> inner.apply(
        request.getAttribute(AttributeKeys.remoteAddress).map(ClientAddress::text).orElse("unknown")));
  }

  private static String text(RemoteAddress address) {
    return address.getAddress().map(java.net.InetAddress::getHostAddress).orElse("unknown");
  }
}
