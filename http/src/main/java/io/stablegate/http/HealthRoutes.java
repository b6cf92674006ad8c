package io.stablegate.http;

import com.typesafe.config.Config;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.ChainSpec;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.rates.RateSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/health}: 200 once the node serves, with every known chain: whether it is
 * enabled, its state ({@code disabled}, {@code starting}, {@code watching}, {@code degraded}), each
 * token's state ({@code watching} or {@code off: <reason>}), and for a watched chain its head, last
 * scanned block and lag, the endpoint in use and the last error; and the exchange-rate source: its
 * provider, last good refresh and its age, how many currencies it can price now, its last error.
 */
public final class HealthRoutes extends AllDirectives {
  private final ChainStatusBoard chains;
  private final RateSource rates;

  private final Map<Chain, Boolean> enabled = new LinkedHashMap<>();
  private final Map<Chain, ChainSpec> specs;

  public HealthRoutes(ChainStatusBoard chains, RateSource rates, Config config) {
    this.chains = chains;
    this.rates = rates;
    this.specs = ChainRegistry.specs(config);
    for (Chain chain : Chain.values()) {
      String path = "stablegate.chains." + chain.configKey() + ".enabled";
      enabled.put(chain, config.hasPath(path) && config.getBoolean(path));
    }
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("health"), () -> get(() -> {
      Map<String, Object> body = new LinkedHashMap<>();
      Map<String, Object> perChain = new LinkedHashMap<>();
      boolean degraded = false;
      Map<Chain, ChainStatus> current = chains.current();
      for (Chain chain : Chain.values()) {
        ChainStatus status = current.get(chain);
        Map<String, Object> c = new LinkedHashMap<>();
        // what the chain is, for lists shown to people (the dashboard builds its chain choices from these)
        c.put("label", chain.label());
        c.put("tokenStandard", chain.tokenStandard());
        c.put("kind", chain.kind().name().toLowerCase(java.util.Locale.ROOT));
        boolean on = enabled.get(chain);
        c.put("enabled", on);
        if (status == null) {
          // Not watched here (yet): what is configured, so that every known chain is listed.
          c.put("state", on ? "starting" : "disabled");
          Map<String, String> tokens = new java.util.TreeMap<>();
          specs.get(chain).tokens().keySet().forEach(t -> tokens.put(t.name(), on ? "starting" : "disabled"));
          c.put("tokens", tokens);
          perChain.put(chain.name(), c);
          continue;
        }
        c.put("state", status.deepReorg() ? "degraded" : "watching");
        c.put("tokens", status.tokens());
        c.put("head", status.head());
        c.put("scanned", status.scanned());
        c.put("lag", status.lag());
        c.put("endpoint", status.endpoint());
        c.put("lastError", status.lastError());
        c.put("lastErrorAt", status.lastErrorAt());
        c.put("deepReorg", status.deepReorg());
        c.put("updatedAt", status.updatedAt());
        perChain.put(chain.name(), c);
        degraded |= status.deepReorg();
      }
      body.put("status", degraded ? "degraded" : "ok");
      body.put("chains", perChain);
      body.put("rates", rates(rates.status()));
      return completeOK(body, Jackson.marshaller(Json.MAPPER));
    }));
  }

  /** The rate source: a failing provider is reported here, never by the status code. */
  private static Map<String, Object> rates(RateSource.Status status) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("source", status.source());
    r.put("lastRefreshAt", status.lastRefreshAt());
    r.put("ageSeconds", status.ageSeconds());
    // per token, how many currencies it has a fresh rate in
    Map<String, Object> currencies = new LinkedHashMap<>();
    status.currencies().forEach((token, fresh) -> currencies.put(token.name(), fresh.size()));
    r.put("currencies", currencies);
    r.put("lastError", status.lastError());
    r.put("lastErrorAt", status.lastErrorAt());
    r.put("failures", status.failures());
    return r;
  }
}
