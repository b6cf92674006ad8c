package io.stablegate.http.invoices;

import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.Blocking;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/unmatched-transfers}: final transfers to the merchant's wallets that paid nothing. */
public final class UnmatchedTransferRoutes extends AllDirectives {

  public record TransferView(String chain, String txHash, int logIndex, String from, String to, String amount,
      long blockNumber, Instant seenAt) {}

  private final MerchantAuthentication auth;
  private final UnmatchedTransferRepository transfers;
  private final Blocking blocking;
  private final ApiSettings settings;

  public UnmatchedTransferRoutes(MerchantAuthentication auth, UnmatchedTransferRepository transfers,
      Blocking blocking, ApiSettings settings) {
    this.auth = auth;
    this.transfers = transfers;
    this.blocking = blocking;
    this.settings = settings;
  }

  public Route route() {
    return path(ApiPaths.api("unmatched-transfers"), () -> get(() -> auth.merchant(merchantId ->
        parameterOptional("chain", chain -> parameterOptional("limit", limit -> parameterOptional("cursor", cursor -> {
          Optional<Chain> chainFilter = chain.map(c -> Chain.parse(c).orElseThrow(() ->
              ApiProblem.field("chain", "must be one of " + Arrays.toString(Chain.values()))));
          int pageSize = Cursors.limit(limit, settings.defaultPageSize(), settings.maxPageSize());
          Optional<UnmatchedTransferRepository.Cursor> after = cursor.map(c -> {
            List<String> f = Cursors.decode(c, 4);
            try {
              return new UnmatchedTransferRepository.Cursor(Cursors.instant(f.get(0)), f.get(1), f.get(2),
                  Integer.parseInt(f.get(3)));
            } catch (NumberFormatException e) {
              throw ApiProblem.field("cursor", "is not a cursor this API gave out");
            }
          });
          return onSuccess(blocking.run(() -> transfers.list(merchantId, chainFilter, pageSize, after)), page -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", page.items().stream().map(t -> new TransferView(t.chain().name(), t.txHash(),
                t.logIndex(), t.from(), t.to(), Amounts.format(t.amount()), t.blockNumber(), t.seenAt())).toList());
            body.put("nextCursor", page.next().map(n -> Cursors.encode(List.of(n.seenAt().toString(), n.chain(),
                n.txHash(), Integer.toString(n.logIndex())))).orElse(null));
            return complete(Responses.json(200, body));
          });
        }))))));
  }
}
