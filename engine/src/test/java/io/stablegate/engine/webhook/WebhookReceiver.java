package io.stablegate.engine.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A merchant's endpoint on loopback (the JDK's HTTP server, port 0): records every request and
 * answers as the test's {@link Responder} says, by the request's number (1-based).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One received request; {@code verified} by {@link StandardWebhooksVerifier} with the receiver's secret. */
  public record Received(String path, String id, String timestamp, String signature, String legacySignature,
      byte[] body, boolean verified, boolean legacyVerified, long receivedAtMillis) {
    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @FunctionalInterface
  public interface Responder {
    void respond(int requestNumber, HttpExchange exchange) throws IOException;
  }

  public static Responder status(int status) {
    return (n, exchange) -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    };
  }

  private final String secret;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Responder responder;
  private HttpServer server;
  private final int port;

  public WebhookReceiver(String secret, Responder responder) throws IOException {
    this(secret, responder, 0);
  }

  public WebhookReceiver(String secret, Responder responder, int port) throws IOException {
    this.secret = secret;
    this.responder = responder;
    this.server = start(port);
    this.port = server.getAddress().getPort();
  }

  private HttpServer start(int wantedPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 50);
    s.setExecutor(Executors.newCachedThreadPool());
    s.createContext("/", this::handle);
    s.start();
    return s;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    var h = exchange.getRequestHeaders();
    String id = h.getFirst("webhook-id");
    String timestamp = h.getFirst("webhook-timestamp");
    String signature = h.getFirst("webhook-signature");
    String legacy = h.getFirst("X-Webhook-Signature");
    boolean verified;
    boolean legacyVerified;
    try {
      verified = id != null && timestamp != null && signature != null
          && StandardWebhooksVerifier.verify(secret, id, timestamp, signature, body);
      legacyVerified = legacy != null && StandardWebhooksVerifier.verifyLegacy(secret, legacy, body);
    } catch (Exception e) {
      verified = false;
      legacyVerified = false;
    }
    received.add(new Received(exchange.getRequestURI().getPath(), id, timestamp, signature, legacy, body,
        verified, legacyVerified, System.currentTimeMillis()));
    responder.respond(received.size(), exchange);
  }

  public String url() {
    return url("/hooks");
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public int port() {
    return port;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public void respondWith(Responder next) {
    this.responder = next;
  }

  /** Stops listening: connections are refused until {@link #restart()}. */
  public void stop() {
    server.stop(0);
  }

  /** Listens again on the same port. */
  public void restart() throws IOException {
    server = start(port);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  public static void writeOk(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 2);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write("ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }
}
