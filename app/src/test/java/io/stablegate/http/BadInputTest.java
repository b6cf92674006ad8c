package io.stablegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.http.testing.RawHttp;
import io.stablegate.persistence.testing.Invoices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What bad input gets: one row per case, each asserting the status, the problem body (and the
 * offending field for validation errors), and that nothing was created or changed.
 */
class BadInputTest {
  private static ApiTestServer server;
  private static ApiClient merchant;
  private static ApiClient stranger;
  private static String strangersInvoice;
  private static String rotatedKey;
  private static String jwtSecret;

  /** One case: what is sent, the status it must get, and the field its problem must name (or null). */
  record Case(String name, Supplier<Answer> request, int status, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = new ApiTestServer();
    merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
        Map.of("address", Invoices.randomEvmWallet())).status()).isEqualTo(200);
    assertThat(merchant.send("POST", "/api/v1/invoices", Map.of("amount", "1", "chain", "ETHEREUM"),
        Map.of("Authorization", "Bearer " + merchant.apiKey(), "Idempotency-Key", "used-key")).status()).isEqualTo(201);
    stranger = server.client().signUp();
    stranger.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
    strangersInvoice = stranger.withKey("POST", "/api/v1/invoices", Map.of("amount", "2", "chain", "ETHEREUM"))
        .json().get("id").asText();
    ApiClient rotated = server.client().signUp();
    rotatedKey = rotated.apiKey();
    assertThat(rotated.withSession("POST", "/api/v1/api-keys/rotate", null).status()).isEqualTo(200);
    try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT value FROM node_secrets WHERE name = 'jwt-secret'")) {
      rs.next();
      jwtSecret = rs.getString(1);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Case> cases() {
    return Stream.of(
        // JSON shape
        invoice("amount as a JSON number", "{\"amount\": 10.5, \"chain\": \"ETHEREUM\"}", 400, "amount"),
        invoice("chain as a number", "{\"amount\": \"1\", \"chain\": 1}", 400, "chain"),
        invoice("expiresInMinutes as a string", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"expiresInMinutes\": \"30\"}", 400, "expiresInMinutes"),
        invoice("expiresInMinutes as a fraction", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"expiresInMinutes\": 30.5}", 400, "expiresInMinutes"),
        invoice("metadata as an array", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": [1]}", 400, "metadata"),
        invoice("missing amount", "{\"chain\": \"ETHEREUM\"}", 400, "amount"),
        invoice("missing chain", "{\"amount\": \"1\"}", 400, "chain"),
        invoice("unknown field", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"colour\": \"red\"}", 400, "colour"),
        invoice("duplicate field", "{\"amount\": \"1\", \"amount\": \"2\", \"chain\": \"ETHEREUM\"}", 400, "body"),
        invoice("malformed JSON", "{\"amount\": ", 400, "body"),
        invoice("not an object", "[]", 400, "body"),
        invoice("null body", "null", 400, "body"),
        invoice("metadata nested 5,000 deep", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": {\"k\": "
            + "[".repeat(5000) + "]".repeat(5000) + "}}", 400, "body"),
        new Case("invalid UTF-8", () -> merchant.raw("POST", "/api/v1/invoices",
            new byte[] {'{', '"', 'a', 'm', 'o', 'u', 'n', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
            with(key(), "Content-Type", "application/json")), 400, null),
        // amounts
        invoice("negative amount", body("-1", "ETHEREUM"), 400, "amount"),
        invoice("zero amount", body("0", "ETHEREUM"), 400, "amount"),
        invoice("zero with decimals", body("0.000000", "ETHEREUM"), 400, "amount"),
        invoice("amount over 1,000,000", body("1000000.000001", "ETHEREUM"), 400, "amount"),
        invoice("huge amount", body("99999999999999999999", "ETHEREUM"), 400, "amount"),
        invoice("7 decimals", body("1.1234567", "ETHEREUM"), 400, "amount"),
        invoice("exponent notation", body("1e3", "ETHEREUM"), 400, "amount"),
        invoice("leading plus", body("+1", "ETHEREUM"), 400, "amount"),
        invoice("spaces", body(" 1", "ETHEREUM"), 400, "amount"),
        invoice("empty amount", body("", "ETHEREUM"), 400, "amount"),
        // prices in fiat (the test node's fixed rates: EUR=0.92, CNY=7.1)
        invoice("both amount and price", "{\"amount\": \"1\", \"price\": {\"amount\": \"1\", \"currency\": \"EUR\"}, \"chain\": \"ETHEREUM\"}", 400, "price"),
        invoice("neither amount nor price", "{\"chain\": \"ETHEREUM\", \"orderId\": \"x\"}", 400, "amount"),
        invoice("unknown currency", price("10", "XYZ"), 400, "price.currency"),
        invoice("lower-case currency", price("10", "eur"), 400, "price.currency"),
        invoice("currency of four letters", price("10", "EURO"), 400, "price.currency"),
        invoice("price without currency", "{\"price\": {\"amount\": \"10\"}, \"chain\": \"ETHEREUM\"}", 400, "price.currency"),
        invoice("price without amount", "{\"price\": {\"currency\": \"EUR\"}, \"chain\": \"ETHEREUM\"}", 400, "price.amount"),
        invoice("negative price", price("-10", "EUR"), 400, "price.amount"),
        invoice("zero price", price("0.00", "EUR"), 400, "price.amount"),
        invoice("price not a number", price("ten", "EUR"), 400, "price.amount"),
        invoice("price as a JSON number", "{\"price\": {\"amount\": 10, \"currency\": \"EUR\"}, \"chain\": \"ETHEREUM\"}", 400, "price.amount"),
        invoice("price with 7 decimals", price("1.1234567", "EUR"), 400, "price.amount"),
        invoice("price over 1,000,000 USDT once converted", price("999999", "EUR"), 400, "price.amount"),
        invoice("price with an unknown field", "{\"price\": {\"amount\": \"10\", \"currency\": \"EUR\", \"rate\": \"1\"}, \"chain\": \"ETHEREUM\"}", 400, "price.rate"),
        invoice("price in a currency without a rate", price("10", "USD"), 503, null),
        // tokens
        invoice("unknown token", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"token\": \"DAI\"}", 400, "token"),
        invoice("lower-case token", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"token\": \"usdt\"}", 400, "token"),
        invoice("token the chain does not serve", "{\"amount\": \"1\", \"chain\": \"TRON\", \"token\": \"USDC\"}", 400, "token"),
        invoice("token turned off with none", "{\"amount\": \"1\", \"chain\": \"BASE\", \"token\": \"USDT\"}", 400, "token"),
        invoice("token as a number", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"token\": 1}", 400, "token"),
        // chains
        invoice("unknown chain", body("1", "SOLANA"), 400, "chain"),
        invoice("lower-case chain", body("1", "ethereum"), 400, "chain"),
        invoice("chain without a wallet", body("1", "TRON"), 400, "chain"),
        // sizes
        invoice("orderId of 129 characters", fields("orderId", "o".repeat(129)), 400, "orderId"),
        invoice("description of 501 characters", fields("description", "d".repeat(501)), 400, "description"),
        invoice("expiresInMinutes 0", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"expiresInMinutes\": 0}", 400, "expiresInMinutes"),
        invoice("expiresInMinutes 10081", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"expiresInMinutes\": 10081}", 400, "expiresInMinutes"),
        invoice("metadata over 4 KiB", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": {\"k\": \""
            + "m".repeat(4100) + "\"}}", 400, "metadata"),
        // redirect URLs
        invoice("redirectUrl with javascript:", fields("redirectUrl", "javascript:alert(1)"), 400, "redirectUrl"),
        invoice("redirectUrl with data:", fields("redirectUrl", "data:text/html,hi"), 400, "redirectUrl"),
        invoice("redirectUrl with ftp:", fields("redirectUrl", "ftp://shop.example/back"), 400, "redirectUrl"),
        invoice("redirectUrl with credentials", fields("redirectUrl", "https://user:pass@shop.example/back"), 400, "redirectUrl"),
        invoice("redirectUrl that is relative", fields("redirectUrl", "/thanks"), 400, "redirectUrl"),
        invoice("redirectUrl without a host", fields("redirectUrl", "https:///thanks"), 400, "redirectUrl"),
        invoice("redirectUrl that is no URL", fields("redirectUrl", "https://shop example/back"), 400, "redirectUrl"),
        invoice("redirectUrl of 2049 characters", fields("redirectUrl", "https://shop.example/" + "a".repeat(2028)), 400, "redirectUrl"),
        invoice("redirectUrl as a number", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"redirectUrl\": 1}", 400, "redirectUrl"),
        new Case("body over 64 KiB", () -> merchant.send("POST", "/api/v1/invoices",
            "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"description\": \"" + "x".repeat(70_000) + "\"}",
            key()), 413, null),
        new Case("wrong content type", () -> merchant.raw("POST", "/api/v1/invoices",
            "{\"amount\": \"1\", \"chain\": \"ETHEREUM\"}".getBytes(StandardCharsets.UTF_8),
            Map.of("Content-Type", "text/plain", "Authorization", "Bearer " + merchant.apiKey())), 415, null),
        new Case("Idempotency-Key of 256 characters", () -> merchant.send("POST", "/api/v1/invoices",
            body("1", "ETHEREUM"), with(key(), "Idempotency-Key", "k".repeat(256))), 400, "Idempotency-Key"),
        new Case("replayed Idempotency-Key with another body", () -> merchant.send("POST", "/api/v1/invoices",
            body("2", "ETHEREUM"), with(key(), "Idempotency-Key", "used-key")), 422, null),
        // wallets and accounts
        wallet("invalid EVM address", "ETHEREUM", "0x123", 400, "address"),
        wallet("EVM address with a broken checksum", "ETHEREUM", brokenChecksum(), 400, "address"),
        wallet("Tron address with a broken checksum", "TRON", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", 400, "address"),
        wallet("Tron address on an EVM chain", "BSC", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 400, "address"),
        wallet("unknown chain in the path", "DOGE", Invoices.randomEvmWallet(), 400, "chain"),
        wallet("overlong address", "ETHEREUM", "0x" + "a".repeat(200), 400, "address"),
        new Case("another merchant's wallet", () -> merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
            Map.of("address", strangersWallet())), 409, null),
        new Case("register with an invalid email", () -> server.client().send("POST", "/api/v1/auth/register",
            Map.of("email", "not-an-email", "password", "a perfectly fine passphrase"), Map.of()), 400, "email"),
        new Case("register with SQL in the email", () -> server.client().send("POST", "/api/v1/auth/register",
            Map.of("email", "x' OR '1'='1", "password", "a perfectly fine passphrase"), Map.of()), 400, "email"),
        new Case("register without a password", () -> server.client().send("POST", "/api/v1/auth/register",
            Map.of("email", "fresh@example.com"), Map.of()), 400, "password"),
        new Case("login with SQL in the email", () -> server.client().send("POST", "/api/v1/auth/login",
            Map.of("email", "admin@example.com' --", "password", "whatever it is here"), Map.of()), 400, "email"),
        // credentials
        new Case("missing API key", () -> merchant.send("POST", "/api/v1/invoices", body("1", "ETHEREUM"),
            Map.of("Cookie", "")), 401, null),
        new Case("wrong API key", () -> merchant.send("POST", "/api/v1/invoices", body("1", "ETHEREUM"),
            Map.of("Authorization", "Bearer " + "0".repeat(64))), 401, null),
        new Case("malformed API key", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("X-API-Key", "' OR 1=1 --", "Cookie", "")), 401, null),
        new Case("rotated API key", () -> merchant.send("POST", "/api/v1/invoices", body("1", "ETHEREUM"),
            Map.of("Authorization", "Bearer " + rotatedKey)), 401, null),
        new Case("Basic authorization", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("Authorization", "Basic dXNlcjpwYXNz")), 401, null),
        new Case("expired JWT", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("Cookie", "jwt=" + jwt(merchant.merchantId(), Instant.now().minusSeconds(3600)))), 401, null),
        new Case("tampered JWT", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("Cookie", "jwt=" + tampered(merchant.cookies().get("jwt")))), 401, null),
        new Case("JWT with alg none", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("Cookie", "jwt=" + unsigned(merchant.merchantId()))), 401, null),
        new Case("JWT signed with another key", () -> merchant.send("GET", "/api/v1/me", null,
            Map.of("Cookie", "jwt=" + foreignJwt(merchant.merchantId()))), 401, null),
        new Case("cookie call without the CSRF header", () -> merchant.send("PUT", "/api/v1/wallets/BSC",
            Map.of("address", Invoices.randomEvmWallet()), Map.of()), 403, null),
        new Case("cookie call with a wrong CSRF header", () -> merchant.send("POST", "/api/v1/invoices/"
            + strangersInvoice + "/cancel", null, Map.of("X-CSRF-Token", "guess")), 403, null),
        new Case("session-only call with an API key", () -> merchant.send("PUT", "/api/v1/webhook",
            Map.of("url", "https://attacker.example/hook"), Map.of("Authorization", "Bearer " + merchant.apiKey(),
                "Cookie", "")), 401, null),
        // someone else's things
        new Case("another merchant's invoice", () -> merchant.withKey("GET", "/api/v1/invoices/" + strangersInvoice, null),
            404, null),
        new Case("cancelling another merchant's invoice", () -> merchant.withKey("POST",
            "/api/v1/invoices/" + strangersInvoice + "/cancel", null), 404, null),
        new Case("another merchant's journal", () -> merchant.withKey("GET",
            "/api/v1/invoices/" + strangersInvoice + "/events", null), 404, null),
        new Case("unknown invoice", () -> merchant.withKey("GET", "/api/v1/invoices/" + UUID.randomUUID(), null), 404, null),
        new Case("invoice id that is not a UUID", () -> merchant.withKey("GET", "/api/v1/invoices/1%20OR%201=1", null), 404, null),
        // query parameters
        new Case("limit 0", () -> merchant.withKey("GET", "/api/v1/invoices?limit=0", null), 400, "limit"),
        new Case("limit not a number", () -> merchant.withKey("GET", "/api/v1/invoices?limit=ten", null), 400, "limit"),
        new Case("unknown status", () -> merchant.withKey("GET", "/api/v1/invoices?status=LOST", null), 400, "status"),
        new Case("forged cursor", () -> merchant.withKey("GET", "/api/v1/invoices?cursor=Zm9vCmJhcg", null), 400, "cursor"),
        new Case("unknown chain filter", () -> merchant.withKey("GET", "/api/v1/unmatched-transfers?chain=X", null), 400, "chain"),
        // export
        new Case("export without from", () -> merchant.withKey("GET", "/api/v1/invoices/export?to=2026-12-02", null), 400, "from"),
        new Case("export without to", () -> merchant.withKey("GET", "/api/v1/invoices/export?from=2026-12-01", null), 400, "to"),
        new Case("export with a from that is no date", () -> merchant.withKey("GET",
            "/api/v1/invoices/export?from=yesterday&to=2026-12-02", null), 400, "from"),
        new Case("export with an impossible date", () -> merchant.withKey("GET",
            "/api/v1/invoices/export?from=2026-02-30&to=2026-12-02", null), 400, "from"),
        new Case("export with an instant without offset", () -> merchant.withKey("GET",
            "/api/v1/invoices/export?from=2026-12-01&to=2026-12-02T10:00:00", null), 400, "to"),
        new Case("export with from after to", () -> merchant.withKey("GET",
            "/api/v1/invoices/export?from=2026-12-03&to=2026-12-02", null), 400, "from"),
        new Case("export in an unknown format", () -> merchant.withKey("GET",
            "/api/v1/invoices/export?from=2026-12-01&to=2026-12-02&format=xlsx", null), 400, "format"),
        new Case("export without credentials", () -> merchant.send("GET",
            "/api/v1/invoices/export?from=2026-12-01&to=2026-12-02", null, Map.of("Cookie", "")), 401, null),
        new Case("wrong method", () -> merchant.withKey("DELETE", "/api/v1/invoices", null), 405, null),
        // text PostgreSQL or JSON cannot carry: U+0000 and unpaired surrogates, anywhere the API reads
        invoice("U+0000 in orderId", fields("orderId", "a\\u0000b"), 400, "orderId"),
        invoice("U+0000 in description", fields("description", "\\u0000"), 400, "description"),
        invoice("U+0000 in a metadata value", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": "
            + "{\"note\": \"x\\u0000\"}}", 400, "metadata.note"),
        invoice("U+0000 in a nested metadata key", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": "
            + "{\"outer\": {\"k\\u0000\": 1}}}", 400, "metadata.outer"),
        invoice("U+0000 in a metadata key", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"metadata\": "
            + "{\"\\u0000\": \"v\"}}", 400, "metadata"),
        invoice("lone high surrogate in orderId", fields("orderId", "\\ud800"), 400, "orderId"),
        invoice("lone low surrogate in a metadata array", "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", "
            + "\"metadata\": {\"list\": [\"ok\", \"\\udc00x\"]}}", 400, "metadata.list[1]"),
        invoice("surrogates in the wrong order", fields("description", "\\udc00\\ud800"), 400, "description"),
        new Case("U+0000 in a registration email", () -> server.client().send("POST", "/api/v1/auth/register",
            "{\"email\": \"a\\u0000@example.com\", \"password\": \"a perfectly fine passphrase\"}", Map.of()),
            400, "email"),
        new Case("lone surrogate in a login password", () -> server.client().send("POST", "/api/v1/auth/login",
            "{\"email\": \"" + merchant.email() + "\", \"password\": \"guess\\ud800\"}", Map.of()), 400, "password"),
        new Case("U+0000 in a wallet address", () -> merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
            "{\"address\": \"0x\\u0000\"}"), 400, "address"),
        new Case("U+0000 in the orderId filter", () -> merchant.withKey("GET", "/api/v1/invoices?orderId=a%00b", null),
            400, "orderId"),
        new Case("U+0000 in a query parameter's name", () -> merchant.withKey("GET", "/api/v1/invoices?a%00=1", null),
            400, "query"),
        new Case("U+0000 in the Idempotency-Key header", () -> RawHttp.exchange(server.port(),
            "POST /api/v1/invoices HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + merchant.apiKey()
                + "\r\nContent-Type: application/json\r\nIdempotency-Key: a\u0000b\r\nContent-Length: "
                + body("1", "ETHEREUM").length(), body("1", "ETHEREUM").getBytes(StandardCharsets.UTF_8)),
            400, "headers"),
        // server errors on bad input that were once 500s
        new Case("cursor with an out-of-range date", () -> merchant.withKey("GET", "/api/v1/invoices?cursor="
            + cursor("+294277-01-01T00:00:00Z", UUID.randomUUID().toString()), null), 400, "cursor"),
        new Case("unmatched-transfers cursor with an out-of-range date", () -> merchant.withKey("GET",
            "/api/v1/unmatched-transfers?cursor=" + cursor("+294277-01-01T00:00:00Z", "ETHEREUM", "0xab", "0"), null),
            400, "cursor"),
        new Case("chunked body over 64 KiB", () -> RawHttp.exchange(server.port(),
            "POST /api/v1/invoices HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + merchant.apiKey()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
            RawHttp.chunked(fields("description", "x".repeat(70_000)))), 413, null),
        new Case("invalid percent-encoding in the path", () -> RawHttp.exchange(server.port(),
            "GET /api/v1/invoices/%ZZ HTTP/1.1\r\nHost: localhost", new byte[0]), 400, "url"),
        new Case("invalid percent-encoding in the query", () -> RawHttp.exchange(server.port(),
            "GET /api/v1/invoices?orderId=%ZZ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + merchant.apiKey(), new byte[0]), 400, "url"),
        // the merchant overview and the shop's name
        new Case("stats from after to", () -> merchant.withKey("GET",
            "/api/v1/stats?from=2026-12-02&to=2026-12-01", null), 400, "from"),
        new Case("stats over a year at hour granularity", () -> merchant.withKey("GET",
            "/api/v1/stats?from=2025-01-01&to=2026-12-01&granularity=hour", null), 400, "granularity"),
        new Case("stats at week granularity", () -> merchant.withKey("GET",
            "/api/v1/stats?from=2026-11-01&to=2026-12-01&granularity=week", null), 400, "granularity"),
        new Case("stats from not a date", () -> merchant.withKey("GET",
            "/api/v1/stats?from=last-week&to=2026-12-01", null), 400, "from"),
        new Case("stats without to", () -> merchant.withKey("GET", "/api/v1/stats?from=2026-12-01", null), 400, "to"),
        new Case("display name empty", () -> merchant.withSession("PUT", "/api/v1/profile",
            Map.of("displayName", "   ")), 400, "displayName"),
        new Case("display name of 81 characters", () -> merchant.withSession("PUT", "/api/v1/profile",
            Map.of("displayName", "商".repeat(81))), 400, "displayName"),
        new Case("display name with a line break", () -> merchant.withSession("PUT", "/api/v1/profile",
            Map.of("displayName", "Shop\nName")), 400, "displayName"),
        new Case("display name missing", () -> merchant.withSession("PUT", "/api/v1/profile", Map.of()),
            400, "displayName"),
        new Case("checkout in an unknown language", () -> merchant.send("GET", "/pay/" + strangersInvoice
            + "?lang=fr", null, Map.of()), 400, "lang"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsRefusedAndChangesNothing(Case c) throws Exception {
    String before = everything();
    Answer answer = c.request().get();
    assertThat(answer.status()).as(c.name() + ": " + answer.body()).isEqualTo(c.status());
    assertThat(answer.header("Content-Type")).as(c.name()).hasValue("application/problem+json");
    assertThat(answer.header("Content-Security-Policy")).as(c.name()).isPresent();
    assertThat(answer.header("X-Content-Type-Options")).as(c.name()).hasValue("nosniff");
    assertThat(answer.header("X-Frame-Options")).as(c.name()).hasValue("DENY");
    assertThat(answer.json().get("status").asInt()).isEqualTo(c.status());
    assertThat(answer.json().get("title").asText()).isNotBlank();
    if (c.field() != null) {
      assertThat(answer.errorFields()).as(c.name() + ": " + answer.body()).contains(c.field());
    }
    if (c.status() == 429 || c.status() == 503) {
      assertThat(answer.header("Retry-After")).isPresent();
    }
    assertThat(everything()).as(c.name() + " changed nothing").isEqualTo(before);
  }

  @Test
  void theDashboardAndCheckoutPagesKeepTheSecurityHeadersOnEveryPath() {
    String invoice = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "3", "chain", "ETHEREUM"))
        .json().get("id").asText();
    Map<String, Integer> paths = new LinkedHashMap<>();
    paths.put("/dashboard/", 200);
    paths.put("/dashboard", 301);
    paths.put("/", 302);
    paths.put("/pay/" + invoice, 200);
    paths.put("/pay/" + invoice + "/qr.png", 200);
    paths.put("/pay/" + UUID.randomUUID(), 404);
    paths.put("/pay/" + UUID.randomUUID() + "/qr.png", 404);
    paths.put("/pay/not-a-uuid", 404);
    paths.put("/assets/0123456789ab/style.css", 404);
    paths.put("/pay/%ZZ", 400);
    paths.put("/pay/" + invoice + "?lang=%00", 400);
    paths.forEach((path, status) -> {
      Answer answer = RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost", new byte[0]);
      assertThat(answer.status()).as(path).isEqualTo(status);
      assertThat(answer.header("Content-Security-Policy")).as(path).isPresent();
      assertThat(answer.header("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(answer.header("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(answer.header("Referrer-Policy")).as(path).isPresent();
    });
  }

  @Test
  void injectionAndScriptStringsAreStoredAndReturnedVerbatim() throws Exception {
    String sql = "'; DROP TABLE invoices; --";
    String script = "<script>alert(document.cookie)</script>";
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("amount", "1.5");
    request.put("chain", "ETHEREUM");
    request.put("orderId", sql);
    request.put("description", script);
    request.put("metadata", Map.of("note", "\" OR 1=1; <img src=x onerror=alert(1)>"));
    Answer created = merchant.withKey("POST", "/api/v1/invoices", request);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Content-Type")).hasValue("application/json");
    Answer read = merchant.withKey("GET", "/api/v1/invoices/" + created.json().get("id").asText(), null);
    assertThat(read.json().get("orderId").asText()).isEqualTo(sql);
    assertThat(read.json().get("description").asText()).isEqualTo(script);
    assertThat(read.json().get("metadata").get("note").asText()).isEqualTo("\" OR 1=1; <img src=x onerror=alert(1)>");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
        merchant.withKey("GET", "/api/v1/invoices?orderId=" + java.net.URLEncoder.encode(sql, StandardCharsets.UTF_8), null)
            .json().get("items").size() == 1);
    try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM invoices")) {
      rs.next();
      assertThat(rs.getInt(1)).isPositive();
    }
  }

  /** Every table that a request could change, as text. */
  private static String everything() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement()) {
      for (String query : List.of(
          "SELECT count(*) FROM event_journal",
          "SELECT string_agg(id || email || api_key_hash || coalesce(display_name, '-'), ',' ORDER BY id) FROM merchants",
          "SELECT string_agg(merchant_id || chain || address, ',' ORDER BY merchant_id, chain) FROM merchant_wallets",
          "SELECT string_agg(merchant_id || url || encode(secret_ciphertext, 'hex'), ',' ORDER BY merchant_id) FROM merchant_webhooks",
          "SELECT count(*) FROM settings_changes",
          "SELECT string_agg(merchant_id || idem_key || invoice_id, ',' ORDER BY merchant_id, idem_key) FROM invoice_idempotency_keys")) {
        try (ResultSet rs = st.executeQuery(query)) {
          rs.next();
          all.append(rs.getString(1)).append('\n');
        }
      }
    }
    return all.toString();
  }

  private static String price(String amount, String currency) {
    return "{\"price\": {\"amount\": \"" + amount + "\", \"currency\": \"" + currency + "\"}, \"chain\": \"ETHEREUM\"}";
  }

  private static Case invoice(String name, String json, int status, String field) {
    return new Case(name, () -> merchant.send("POST", "/api/v1/invoices", json, key()), status, field);
  }

  private static Case wallet(String name, String chain, String address, int status, String field) {
    return new Case(name, () -> merchant.withSession("PUT", "/api/v1/wallets/" + chain, Map.of("address", address)),
        status, field);
  }

  private static String body(String amount, String chain) {
    return "{\"amount\": \"" + amount + "\", \"chain\": \"" + chain + "\"}";
  }

  private static String fields(String name, String value) {
    return "{\"amount\": \"1\", \"chain\": \"ETHEREUM\", \"" + name + "\": \"" + value + "\"}";
  }

  private static String cursor(String... fields) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(String.join("\n", fields).getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> key() {
    return Map.of("Authorization", "Bearer " + merchant.apiKey(), "Cookie", "");
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return all;
  }

  private static String strangersWallet() {
    return stranger.withKey("GET", "/api/v1/me", null).json().get("wallets").get(0).get("address").asText();
  }

  /** A mixed-case EVM address whose EIP-55 checksum is wrong. */
  private static String brokenChecksum() {
    String valid = Invoices.randomEvmWallet();
    StringBuilder broken = new StringBuilder(valid);
    for (int i = 2; i < broken.length(); i++) {
      char ch = broken.charAt(i);
      if (Character.isLetter(ch)) {
        broken.setCharAt(i, Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
        String candidate = broken.toString();
        if (!candidate.equals(candidate.toLowerCase()) && !candidate.substring(2).equals(candidate.substring(2).toUpperCase())) {
          try {
            EvmAddress.parse(candidate);
          } catch (IllegalArgumentException e) {
            return candidate;
          }
        }
      }
    }
    throw new IllegalStateException("no letter to flip in " + valid);
  }

  private static String jwt(UUID merchantId, Instant expiresAt) {
    return Jwts.builder().subject(merchantId.toString()).claim("csrf", "x")
        .issuedAt(Date.from(expiresAt.minusSeconds(1800))).expiration(Date.from(expiresAt))
        .signWith(Keys.hmacShaKeyFor(Base64.getDecoder().decode(jwtSecret)), Jwts.SIG.HS256).compact();
  }

  private static String foreignJwt(UUID merchantId) {
    return Jwts.builder().subject(merchantId.toString()).claim("csrf", "x")
        .expiration(Date.from(Instant.now().plusSeconds(600)))
        .signWith(Keys.hmacShaKeyFor(new byte[32]), Jwts.SIG.HS256).compact();
  }

  private static String tampered(String token) {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace(merchant.merchantId().toString(), stranger.merchantId().toString());
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
  }

  private static String unsigned(UUID merchantId) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(("{\"sub\":\"" + merchantId + "\",\"csrf\":\"x\",\"exp\":"
        + (Instant.now().getEpochSecond() + 600) + "}").getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }
}
