package io.stablegate.engine.rates;

import java.math.BigDecimal;
import java.time.Instant;

/** A believed rate: {@code rate} units of {@code currency} per one token, from {@code source}, fetched {@code at}. */
public record ExchangeRate(String currency, BigDecimal rate, String source, Instant at) {}
