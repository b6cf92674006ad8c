package io.stablegate.engine.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps webhooks from being aimed at the inside of our own network (SSRF). In production a target
 * must be {@code https}, and its host is resolved once, every resolved address is checked against
 * the non-public ranges below, and the connection goes to a checked address (see
 * {@link WebhookSender}), so a DNS answer that changes between check and connect (rebinding) cannot
 * reach the inside. In development anything goes: merchants test against {@code http://localhost}.
 */
public final class WebhookTargetGuard {

  /** Name resolution, a seam so that tests decide what a host name resolves to. */
  @FunctionalInterface
  public interface HostResolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    static HostResolver system() {
      return host -> Arrays.asList(InetAddress.getAllByName(host));
    }
  }

  /** The target may not be called; the message says why (shown to the merchant). */
  public static final class RefusedTargetException extends Exception {
    public RefusedTargetException(String message) {
      super(message);
    }
  }

  private record Range(byte[] network, int prefix, String name) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefix / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  /** Non-public ranges (IANA special-purpose registries for IPv4 and IPv6). */
  private static final List<Range> REFUSED = List.of(
      range("0.0.0.0", 8, "this network"),
      range("10.0.0.0", 8, "private"),
      range("100.64.0.0", 10, "carrier-grade NAT"),
      range("127.0.0.0", 8, "loopback"),
      range("169.254.0.0", 16, "link-local"),
      range("172.16.0.0", 12, "private"),
      range("192.0.0.0", 24, "IETF protocol assignments"),
      range("192.0.2.0", 24, "documentation"),
      range("192.88.99.0", 24, "6to4 relay"),
      range("192.168.0.0", 16, "private"),
      range("198.18.0.0", 15, "benchmarking"),
      range("198.51.100.0", 24, "documentation"),
      range("203.0.113.0", 24, "documentation"),
      range("224.0.0.0", 4, "multicast"),
      range("240.0.0.0", 4, "reserved"),
      range("::", 128, "unspecified"),
      range("::1", 128, "loopback"),
      range("::", 96, "IPv4-compatible"),
      range("::ffff:0:0", 96, "IPv4-mapped"),
      range("64:ff9b::", 96, "NAT64"),
      range("64:ff9b:1::", 48, "local NAT64"),
      range("100::", 64, "discard-only"),
      range("2001::", 23, "IETF protocol assignments"),
      range("2001:db8::", 32, "documentation"),
      range("2002::", 16, "6to4"),
      range("3fff::", 20, "documentation"),
      range("fc00::", 7, "unique-local"),
      range("fe80::", 10, "link-local"),
      range("fec0::", 10, "site-local"),
      range("ff00::", 8, "multicast"));

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final boolean production;
  private final HostResolver resolver;

  public WebhookTargetGuard(boolean production, HostResolver resolver) {
    this.production = production;
    this.resolver = resolver;
  }

  /** Checks what can be checked without the network: a valid absolute URL, https in production. */
  public URI checkUrl(String url) throws RefusedTargetException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new RefusedTargetException("not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new RefusedTargetException("a webhook URL is an absolute http(s) URL with a host");
    }
    if (production && !scheme.equals("https")) {
      throw new RefusedTargetException("webhook URLs must use https");
    }
    if (production && uri.getUserInfo() != null) {
      throw new RefusedTargetException("webhook URLs must not carry credentials");
    }
    return uri;
  }

  /**
   * Resolves {@code host} once and returns the address to connect to: in production only when every
   * resolved address is public (one bad answer refuses the host: an attacker's DNS may round-robin).
   */
  public InetAddress resolve(String host) throws RefusedTargetException {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses;
    try {
      addresses = isLiteral(bare) ? List.of(InetAddress.getByName(bare)) : resolver.resolve(bare);
    } catch (UnknownHostException e) {
      throw new RefusedTargetException("cannot resolve " + bare);
    }
    if (addresses.isEmpty()) {
      throw new RefusedTargetException("cannot resolve " + bare);
    }
    if (production) {
      for (InetAddress address : addresses) {
        Optional<String> refusal = refusal(address);
        if (refusal.isPresent()) {
          throw new RefusedTargetException(bare + " resolves to a " + refusal.get() + " address");
        }
      }
    }
    return addresses.get(0);
  }

  /** Why {@code address} is not a public unicast address, if it is not. */
  public static Optional<String> refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Range range : REFUSED) {
      if (range.contains(bytes)) {
        return Optional.of(range.name());
      }
    }
    if (address instanceof Inet4Address && Arrays.equals(bytes, new byte[] {-1, -1, -1, -1})) {
      return Optional.of("broadcast");
    }
    return Optional.empty();
  }

  private static boolean isLiteral(String host) {
    return host.contains(":") || IPV4_LITERAL.matcher(host).matches();
  }

  private static Range range(String network, int prefix, String name) {
    try {
      // Built from raw bytes: InetAddress turns ::ffff:a.b.c.d into an IPv4 address on its own.
      byte[] bytes = InetAddress.getByName(network).getAddress();
      if (network.contains(":") && bytes.length == 4) {
        byte[] v6 = new byte[16];
        v6[10] = -1;
        v6[11] = -1;
        System.arraycopy(bytes, 0, v6, 12, 4);
        bytes = v6;
      }
      return new Range(bytes, prefix, name);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
