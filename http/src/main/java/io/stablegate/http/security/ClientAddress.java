package io.stablegate.http.security;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The client's address for rate limits and login and registration throttling. It is the TCP peer,
 * unless the peer is one of the trusted proxies ({@code STABLEGATE_TRUSTED_PROXIES}, CIDRs): then
 * {@code X-Forwarded-For} is read from the right (the hop nearest to this node) and the client is the
 * first address in it that is not a trusted proxy. Each proxy appends the address it received the
 * request from, so only the entries a trusted proxy wrote are believed; whatever a client puts in the
 * header itself sits further left and is never reached while an untrusted hop comes first. From any
 * other peer the header is ignored, so a forged header changes nothing.
 */
public final class ClientAddress extends AllDirectives {
  private final List<Cidr> trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(Cidr::parse).toList();
  }

  public Route extract(Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(of(request)));
  }

  /** The client of {@code request}, as text. */
  public String of(HttpRequest request) {
    Optional<InetAddress> peer = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress);
    if (peer.isEmpty()) {
      return "unknown";
    }
    InetAddress client = peer.get();
    if (isTrusted(client)) {
      List<String> hops = forwardedFor(request);
      for (int i = hops.size() - 1; i >= 0; i--) {
        Optional<InetAddress> hop = literal(hops.get(i));
        if (hop.isEmpty()) {
          break;
        }
        client = hop.get();
        if (!isTrusted(client)) {
          break;
        }
      }
    }
    return client.getHostAddress();
  }

  private boolean isTrusted(InetAddress address) {
    return trusted.stream().anyMatch(c -> c.contains(address));
  }

  /** The entries of every X-Forwarded-For header, left to right. */
  private static List<String> forwardedFor(HttpRequest request) {
    List<String> hops = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("x-forwarded-for")) {
        for (String hop : header.value().split(",")) {
          hops.add(hop.trim());
        }
      }
    }
    return hops;
  }

  /** An IP literal (IPv4 possibly with a port, IPv6 possibly in brackets); never a DNS lookup. */
  static Optional<InetAddress> literal(String text) {
    String t = text.trim();
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      if (end < 0) {
        return Optional.empty();
      }
      t = t.substring(1, end);
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':') && t.indexOf('.') >= 0) {
      t = t.substring(0, t.indexOf(':'));
    }
    if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      return Optional.empty();
    }
    if (t.indexOf(':') < 0 && !t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(t));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** An address range: a network address and a prefix length. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      String[] parts = text.trim().split("/", 2);
      InetAddress address = literal(parts[0]).orElseThrow(() -> new IllegalArgumentException(
          "STABLEGATE_TRUSTED_PROXIES: '" + text + "' is not an IP address or CIDR range"));
      int bits = address.getAddress().length * 8;
      int prefix;
      try {
        prefix = parts.length == 1 ? bits : Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("STABLEGATE_TRUSTED_PROXIES: '" + text + "' has a bad prefix length");
      }
      return new Cidr(address.getAddress(), prefix);
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int bits = bytes.length * 8;
      BigInteger mask = prefix == 0 ? BigInteger.ZERO
          : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
      return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
    }
  }
}
