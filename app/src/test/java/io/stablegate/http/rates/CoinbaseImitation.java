package io.stablegate.http.rates;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A local HTTP server on a free loopback port that answers {@code GET /v2/exchange-rates?currency=USDT}
 * (or {@code USDC}) in Coinbase's format ({@code {"data":{"currency":"USDT","rates":{"EUR":"0.92",…}}}}),
 * with the answer a test sets: rates (the same for both tokens, or per token), a raw body, or an error
 * status.
 */
public final class CoinbaseImitation implements AutoCloseable {
  private static final int HANG_UP = -1;
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;
  private volatile Function<String, String> body = token -> "{}";

  public CoinbaseImitation() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v2/exchange-rates", exchange -> {
      requests.incrementAndGet();
      if (status == HANG_UP) {
        exchange.close();
        return;
      }
      String query = String.valueOf(exchange.getRequestURI().getRawQuery());
      String token = query.startsWith("currency=") ? query.substring("currency=".length()) : "";
      boolean right = "GET".equals(exchange.getRequestMethod()) && (token.equals("USDT") || token.equals("USDC"));
      byte[] bytes = (right ? body.apply(token) : "{\"errors\":[{\"id\":\"invalid_request\"}]}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(right ? status : 400, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  /** Coinbase's answer with these rates (currency per one token, either), as Coinbase writes them: strings. */
  public CoinbaseImitation answer(Map<String, String> rates) {
    return answer(rates, rates);
  }

  /** Coinbase's answer with other rates per USDT than per USDC. */
  public CoinbaseImitation answer(Map<String, String> perUsdt, Map<String, String> perUsdc) {
    this.status = 200;
    this.body = token -> ratesBody(token, token.equals("USDC") ? perUsdc : perUsdt);
    return this;
  }

  private static String ratesBody(String token, Map<String, String> rates) {
    String entries = rates.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(","));
    // Coinbase lists crypto assets beside the ISO currencies; they must not disturb anything
    return "{\"data\":{\"currency\":\"" + token + "\",\"rates\":{" + entries
        + (entries.isEmpty() ? "" : ",") + "\"BTC\":\"0.0000108\",\"SHIB\":\"81234.5\"}}}";
  }

  /** This status and body for every token. */
  public CoinbaseImitation answerRaw(int status, String body) {
    this.status = status;
    this.body = token -> body;
    return this;
  }

  /** The provider is down: 503 with an HTML page, as a proxy in front of it would answer. */
  public CoinbaseImitation down() {
    return answerRaw(503, "<html>Service Unavailable</html>");
  }

  /** The provider is unreachable: the connection closes without an answer. */
  public CoinbaseImitation hangUp() {
    return answerRaw(HANG_UP, "");
  }

  public int requests() {
    return requests.get();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
