package io.stablegate.engine.rates;

import io.stablegate.engine.money.Token;
import java.util.Map;

/**
 * Where exchange rates come from: one small class per provider. {@link #fetch} answers how many units
 * of each currency one token (USDT, or USDC) is worth, as the provider wrote them (decimal text, unchecked:
 * {@link RateSource} decides what to believe). It may block and throw on any failure; it is only
 * ever called from the rate source's background refresh, never while a request waits.
 */
public interface RateProvider {

  /** The name invoices carry as {@code rateSource} and the health answer shows. */
  String name();

  /** ISO 4217 code (upper case) → the provider's text for "currency per one {@code token}". */
  Map<String, String> fetch(Token token) throws Exception;
}
