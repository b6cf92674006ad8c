package io.stablegate.http;

import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/health}: 200 once the node serves, with each watched chain's head, last
 * scanned block and lag, the endpoint in use and the last error.
 */
public final class HealthRoutes extends AllDirectives {
  private final ChainStatusBoard chains;

  public HealthRoutes(ChainStatusBoard chains) {
    this.chains = chains;
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("health"), () -> get(() -> {
      Map<String, Object> body = new LinkedHashMap<>();
      Map<String, Object> perChain = new LinkedHashMap<>();
      boolean degraded = false;
      for (ChainStatus status : chains.current().values()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("head", status.head());
        c.put("scanned", status.scanned());
        c.put("lag", status.lag());
        c.put("endpoint", status.endpoint());
        c.put("lastError", status.lastError());
        c.put("lastErrorAt", status.lastErrorAt());
        c.put("deepReorg", status.deepReorg());
        c.put("updatedAt", status.updatedAt());
        perChain.put(status.chain().name(), c);
        degraded |= status.deepReorg();
      }
      body.put("status", degraded ? "degraded" : "ok");
      body.put("chains", perChain);
      return completeOK(body, Jackson.marshaller(Json.MAPPER));
    }));
  }
}
