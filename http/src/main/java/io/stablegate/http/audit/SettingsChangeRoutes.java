package io.stablegate.http.audit;

import io.stablegate.http.ApiPaths;
import io.stablegate.http.Blocking;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.audit.SettingsChangeLog;
import io.stablegate.persistence.merchant.SettingsChangeRepository;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/settings-changes} (both): the merchant's hash-chained log of wallet, webhook and
 * API-key changes, oldest first: who, when, old value, new value (secrets only as the fact of a change).
 */
public final class SettingsChangeRoutes extends AllDirectives {

  public record ChangeView(long seqNr, String kind, String subject, String oldValue, String newValue, String actor,
      Instant at, String prevHash, String hash) {
    static ChangeView of(SettingsChangeLog.Entry e) {
      var c = e.change();
      return new ChangeView(e.seqNr(), c.kind().name(), c.subject(), c.oldValue(), c.newValue(), c.actor(), c.at(),
          c.prevHash(), e.hash());
    }
  }

  private final MerchantAuthentication auth;
  private final SettingsChangeRepository changes;
  private final Blocking blocking;

  public SettingsChangeRoutes(MerchantAuthentication auth, SettingsChangeRepository changes, Blocking blocking) {
    this.auth = auth;
    this.changes = changes;
    this.blocking = blocking;
  }

  public Route route() {
    return path(ApiPaths.api("settings-changes"), () -> get(() -> auth.merchant(merchantId ->
        onSuccess(blocking.run(() -> changes.list(merchantId)), entries -> {
          List<ChangeView> items = entries.stream().map(ChangeView::of).toList();
          return complete(Responses.json(200, java.util.Map.of("items", items)));
        }))));
  }
}
