package io.stablegate.persistence.testing;

import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Builders of test invoices and wallets. */
public final class Invoices {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Invoices() {}

  public static String randomEvmWallet() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return EvmAddress.fromBytes(bytes).value();
  }

  public static NewInvoice newInvoice(String wallet, String amount, Instant expiresAt) {
    return new NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, wallet,
        new BigDecimal(amount), "order-" + UUID.randomUUID(), "test invoice", "{\"k\":\"v\"}", expiresAt));
  }
}
