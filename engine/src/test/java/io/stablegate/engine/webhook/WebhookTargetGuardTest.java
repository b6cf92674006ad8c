package io.stablegate.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.webhook.WebhookTargetGuard.RefusedTargetException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WebhookTargetGuardTest {

  /** What the "DNS" answers in these tests: no real lookups. */
  private static final Map<String, List<String>> DNS = Map.of(
      "merchant.example", List.of("93.184.215.14"),
      "inside.example", List.of("10.1.2.3"),
      "mixed.example", List.of("93.184.215.14", "192.168.1.1"),
      "metadata.example", List.of("169.254.169.254"),
      "v6inside.example", List.of("fd12:3456::1"),
      "v6public.example", List.of("2606:4700::6810:84e5"));

  private static final WebhookTargetGuard.HostResolver RESOLVER = host -> {
    List<String> answers = DNS.get(host);
    if (answers == null) {
      throw new UnknownHostException(host);
    }
    return answers.stream().map(WebhookTargetGuardTest::literal).toList();
  };

  private final WebhookTargetGuard production = new WebhookTargetGuard(true, RESOLVER);
  private final WebhookTargetGuard development = new WebhookTargetGuard(false, RESOLVER);

  @ParameterizedTest(name = "{0} is refused in production: {1}")
  @CsvSource(delimiter = '|', value = {
      "http://merchant.example/hooks             | must use https",
      "ftp://merchant.example/hooks              | absolute http(s) URL",
      "https://user:pw@merchant.example/hooks    | credentials",
      "https://127.0.0.1/hooks                   | loopback",
      "https://127.1.2.3:8443/hooks              | loopback",
      "https://10.0.0.5/hooks                    | private",
      "https://172.16.9.9/hooks                  | private",
      "https://192.168.0.1/hooks                 | private",
      "https://100.64.0.1/hooks                  | carrier-grade NAT",
      "https://169.254.169.254/latest/meta-data  | link-local",
      "https://0.0.0.0/hooks                     | this network",
      "https://224.0.0.1/hooks                   | multicast",
      "https://240.0.0.1/hooks                   | reserved",
      "https://255.255.255.255/hooks             | reserved",
      "https://192.0.2.10/hooks                  | documentation",
      "https://198.18.0.1/hooks                  | benchmarking",
      "https://[::1]/hooks                       | loopback",
      "https://[::]/hooks                        | unspecified",
      "https://[::ffff:127.0.0.1]/hooks          | loopback",
      "https://[::ffff:10.0.0.1]/hooks           | private",
      "https://[fc00::1]/hooks                   | unique-local",
      "https://[fd00:ec2::254]/hooks             | unique-local",
      "https://[fe80::1]/hooks                   | link-local",
      "https://[ff02::1]/hooks                   | multicast",
      "https://[2001:db8::1]/hooks               | documentation",
      "https://[64:ff9b::a00:1]/hooks            | NAT64",
      "https://inside.example/hooks              | private",
      "https://mixed.example/hooks               | private",
      "https://metadata.example/hooks            | link-local",
      "https://v6inside.example/hooks            | unique-local",
      "https://unknown.example/hooks             | cannot resolve",
  })
  void refusedInProduction(String url, String reason) {
    assertThatThrownBy(() -> check(production, url))
        .isInstanceOf(RefusedTargetException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest(name = "{0} is allowed in production")
  @CsvSource({
      "https://merchant.example/hooks, 93.184.215.14",
      "https://merchant.example:8443/hooks?x=1, 93.184.215.14",
      "https://v6public.example/hooks, 2606:4700::6810:84e5",
      "https://8.8.8.8/hooks, 8.8.8.8",
  })
  void publicHttpsTargetsAreAllowedAndTheCheckedAddressIsTheOneToConnectTo(String url, String address)
      throws Exception {
    assertThat(check(production, url)).isEqualTo(literal(address));
  }

  @Test
  void developmentAllowsPlainHttpOnLoopback() throws Exception {
    assertThat(check(development, "http://127.0.0.1:8080/hooks")).isEqualTo(literal("127.0.0.1"));
    assertThat(check(development, "http://inside.example/hooks")).isEqualTo(literal("10.1.2.3"));
  }

  private static InetAddress check(WebhookTargetGuard guard, String url) throws RefusedTargetException {
    URI uri = guard.checkUrl(url);
    return guard.resolve(uri.getHost());
  }

  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
