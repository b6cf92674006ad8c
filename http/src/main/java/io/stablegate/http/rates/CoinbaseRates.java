package io.stablegate.http.rates;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.rates.RateProvider;
import io.stablegate.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code coinbase} provider: Coinbase's public exchange-rates endpoint, asked once per token,
 * {@code GET {url}/v2/exchange-rates?currency=USDT} (and {@code USDC}), answering
 * {@code {"data":{"currency":"USDT","rates":{"EUR":"0.92",…}}}} (currency per one USDT). Keeps the
 * ISO 4217 currencies; the others (crypto assets) cannot price an invoice. No key is needed.
 */
public final class CoinbaseRates implements RateProvider {
  public static final String NAME = "coinbase";
  private final HttpClient client;
  private final String base;
  private final Duration timeout;

  public CoinbaseRates(String baseUrl, Duration timeout) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> fetch(Token token) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v2/exchange-rates?currency=" + token.name())).timeout(timeout).header("Accept", "application/json").GET()
        .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("coinbase answered HTTP " + response.statusCode());
    }
    JsonNode data;
    try {
      data = Json.MAPPER.readTree(response.body()).path("data");
    } catch (IOException e) {
      throw new IOException("coinbase answered something that is not JSON");
    }
    if (!token.name().equals(data.path("currency").asText()) || !data.path("rates").isObject()) {
      throw new IOException("coinbase answered without data.currency = " + token + " and data.rates");
    }
    Map<String, String> rates = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.get("rates").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> rate = it.next();
      if (Price.isCurrencyCode(rate.getKey())) {
        rates.put(rate.getKey(), rate.getValue().isValueNode() ? rate.getValue().asText() : rate.getValue().toString());
      }
    }
    return rates;
  }
}
