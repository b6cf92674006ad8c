package io.stablegate.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-RPC provider in front of anvil, as picky as public ones: it refuses {@code eth_getLogs}
 * over more than {@code maxLogRange} blocks with error -32005, may refuse batch requests, and can die.
 */
public final class RpcProxy implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final int maxLogRange;
  private final boolean refuseBatches;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger getLogs = new AtomicInteger();

  public RpcProxy(String target, int maxLogRange) throws IOException {
    this(target, maxLogRange, false);
  }

  public RpcProxy(String target, int maxLogRange, boolean refuseBatches) throws IOException {
    this.target = URI.create(target);
    this.maxLogRange = maxLogRange;
    this.refuseBatches = refuseBatches;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** How many eth_getLogs calls were refused as too large. */
  public int refused() {
    return refused.get();
  }

  public int getLogsCalls() {
    return getLogs.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      JsonNode request = JSON.readTree(body);
      if (request.isArray() && refuseBatches) {
        reply(exchange, 200, ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
            + "\"message\":\"batch requests are not supported\"}}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (request.isObject() && "eth_getLogs".equals(request.path("method").asText())) {
        getLogs.incrementAndGet();
        JsonNode filter = request.path("params").path(0);
        long span = number(filter.path("toBlock")) - number(filter.path("fromBlock")) + 1;
        if (span > maxLogRange) {
          refused.incrementAndGet();
          String error = "{\"jsonrpc\":\"2.0\",\"id\":" + request.path("id") + ",\"error\":{\"code\":-32005,"
              + "\"message\":\"query exceeds max block range " + maxLogRange + "\"}}";
          reply(exchange, 200, error.getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(target)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      reply(exchange, response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long number(JsonNode node) {
    String text = node.asText();
    return new BigInteger(text.substring(2), 16).longValueExact();
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** The provider dies: connections are refused from now on. */
  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
