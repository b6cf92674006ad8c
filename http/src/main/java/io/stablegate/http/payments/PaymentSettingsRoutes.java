package io.stablegate.http.payments;

import io.stablegate.engine.credit.Tolerance;
import io.stablegate.engine.money.Amounts;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.merchant.PaymentSettingsRepository;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET|PUT /api/v1/settings/payments}: the merchant's underpayment tolerance, a percentage from
 * 0 to 10 with at most two decimals (default 0). Reading takes either credential; changing it takes
 * the dashboard session and is recorded in the settings-change log. A new value applies to invoices
 * created afterwards: each invoice keeps the tolerance it was created with (its creation event
 * carries it).
 */
public final class PaymentSettingsRoutes extends AllDirectives {
  private static final Pattern PERCENT = Pattern.compile("(0|[1-9][0-9]?)(\\.[0-9]{1,2})?");

  private final MerchantAuthentication auth;
  private final PaymentSettingsRepository settings;
  private final RequestBodies bodies;
  private final Blocking blocking;

  public PaymentSettingsRoutes(MerchantAuthentication auth, PaymentSettingsRepository settings, RequestBodies bodies,
      Blocking blocking) {
    this.auth = auth;
    this.settings = settings;
    this.bodies = bodies;
    this.blocking = blocking;
  }

  public Route route() {
    return path(ApiPaths.api("settings", "payments"), () -> concat(
        get(() -> auth.merchant(merchantId -> onSuccess(
            blocking.run(() -> settings.tolerancePercent(merchantId).orElseThrow(
                () -> ApiProblem.notFound("This merchant"))),
            percent -> complete(Responses.json(200, body(percent)))))),
        put(() -> auth.session(merchantId -> bodies.json(PaymentSettingsRequest.class, request -> {
          BigDecimal percent = parse(request.underpaymentTolerancePercent());
          return onSuccess(blocking.run(() -> {
            settings.setTolerancePercent(merchantId, percent, MerchantAuthentication.Actor.SESSION.label());
            return percent;
          }), set -> complete(Responses.json(200, body(set))));
        })))));
  }

  /** A plain decimal string from 0 to 10, at most two decimals; 400 naming the field otherwise. */
  static BigDecimal parse(String text) {
    if (text == null || !PERCENT.matcher(text).matches()) {
      throw ApiProblem.field("underpaymentTolerancePercent",
          "must be a decimal string from 0 to 10 with at most 2 decimals, e.g. \"0.5\"");
    }
    BigDecimal value = new BigDecimal(text);
    if (!Tolerance.isValid(value)) {
      throw ApiProblem.field("underpaymentTolerancePercent", "must be from 0 to 10");
    }
    return Amounts.normalize(value);
  }

  private static Map<String, String> body(BigDecimal percent) {
    return Map.of("underpaymentTolerancePercent", Amounts.format(percent));
  }
}
