package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** Which address is the client: X-Forwarded-For only from trusted proxies, nearest untrusted hop. */
class ClientAddressTest {

  private static HttpRequest from(String peer, String... forwardedFor) throws Exception {
    List<HttpHeader> headers = new ArrayList<>();
    for (String header : forwardedFor) {
      headers.add(RawHeader.create("X-Forwarded-For", header));
    }
    return HttpRequest.create("/").withHeaders(headers).addAttribute(AttributeKeys.remoteAddress,
        RemoteAddress.create(new InetSocketAddress(InetAddress.getByName(peer), 40000)));
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() throws Exception {
    ClientAddress none = new ClientAddress(List.of());
    assertThat(none.of(from("10.1.2.3", "203.0.113.7"))).isEqualTo("10.1.2.3");
  }

  @Test
  void fromATrustedProxyTheNearestUntrustedHopIsTheClient() throws Exception {
    ClientAddress proxies = new ClientAddress(List.of("10.0.0.0/8", "192.0.2.10"));
    assertThat(proxies.of(from("10.1.2.3", "6.6.6.6, 203.0.113.7, 192.0.2.10, 10.9.9.9")))
        .as("a forged leftmost entry is never reached").isEqualTo("203.0.113.7");
    assertThat(proxies.of(from("10.1.2.3", "6.6.6.6", "203.0.113.7"))).as("several headers, in order")
        .isEqualTo("203.0.113.7");
    assertThat(proxies.of(from("10.1.2.3", "10.4.4.4, 10.5.5.5"))).as("every hop a proxy: the farthest")
        .isEqualTo("10.4.4.4");
    assertThat(proxies.of(from("10.1.2.3", "not-an-address"))).as("garbage ends the walk at the peer")
        .isEqualTo("10.1.2.3");
    assertThat(proxies.of(from("10.1.2.3", "198.51.100.4:5123"))).isEqualTo("198.51.100.4");
    assertThat(proxies.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
  }

  @Test
  void fromAnyOtherPeerTheHeaderIsIgnored() throws Exception {
    ClientAddress proxies = new ClientAddress(List.of("10.0.0.0/8"));
    assertThat(proxies.of(from("198.51.100.1", "10.1.1.1, 203.0.113.7"))).isEqualTo("198.51.100.1");
    assertThat(proxies.of(from("11.0.0.1", "203.0.113.7"))).as("just outside the range").isEqualTo("11.0.0.1");
  }

  @Test
  void ipv6RangesAndBracketedHops() throws Exception {
    ClientAddress proxies = new ClientAddress(List.of("::1/128", "fd00::/8"));
    assertThat(proxies.of(from("::1", "[2001:db8::1]:443, fd12::5"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(proxies.of(from("2001:db8::2", "2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:2");
  }

  @Test
  void aBadRangeIsRefusedAtStart() {
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientAddress(List.of("proxy.example.com"))).isInstanceOf(IllegalArgumentException.class);
  }
}
