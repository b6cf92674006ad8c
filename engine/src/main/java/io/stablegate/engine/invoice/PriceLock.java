package io.stablegate.engine.invoice;

import io.stablegate.engine.money.Price;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * How a priced invoice got its amount: the merchant's {@code price}, and the {@code rate} (units of
 * the price's currency per one token) from {@code rateSource}, fetched {@code rateAt}, that turned it
 * into the token amount (price / rate, rounded up to 2 decimals). Fixed at creation; an auditor
 * recomputes the amount from it.
 */
public record PriceLock(Price price, BigDecimal rate, String rateSource, Instant rateAt) {}
