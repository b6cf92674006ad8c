package io.stablegate.http.rates;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A local HTTP server on a free loopback port that answers {@code GET /v2/exchange-rates?currency=USDT}
 * in Coinbase's format ({@code {"data":{"currency":"USDT","rates":{"EUR":"0.92",…}}}}), with the
 * answer a test sets: rates, a raw body, or an error status.
 */
public final class CoinbaseImitation implements AutoCloseable {
  private static final int HANG_UP = -1;
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;
  private volatile String body = "{}";

  public CoinbaseImitation() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v2/exchange-rates", exchange -> {
      requests.incrementAndGet();
      if (status == HANG_UP) {
        exchange.close();
        return;
      }
      boolean right = "GET".equals(exchange.getRequestMethod())
          && "currency=USDT".equals(exchange.getRequestURI().getRawQuery());
      byte[] bytes = (right ? body : "{\"errors\":[{\"id\":\"invalid_request\"}]}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(right ? status : 400, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  /** Coinbase's answer with these rates (currency per one USDT), as Coinbase writes them: strings. */
  public CoinbaseImitation answer(Map<String, String> rates) {
    String entries = rates.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(","));
    // Coinbase lists crypto assets beside the ISO currencies; they must not disturb anything
    return answerRaw(200, "{\"data\":{\"currency\":\"USDT\",\"rates\":{" + entries
        + (entries.isEmpty() ? "" : ",") + "\"BTC\":\"0.0000108\",\"SHIB\":\"81234.5\"}}}");
  }

  public CoinbaseImitation answerRaw(int status, String body) {
    this.status = status;
    this.body = body;
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
