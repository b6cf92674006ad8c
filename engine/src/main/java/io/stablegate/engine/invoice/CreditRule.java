package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.Tolerance;
import java.math.BigDecimal;

/**
 * What crediting {@code c} to an invoice does (the attach rules): it covers what is due (within the
 * invoice's tolerance), or leaves a remainder {@code due − c}. An invoice already PAID is covered by
 * anything (the credit is an overpayment).
 */
public record CreditRule(boolean covers, BigDecimal remainder) {

  public static CreditRule of(Invoice invoice, BigDecimal c) {
    if (invoice.status() == InvoiceStatus.PAID
        || Tolerance.covers(c, invoice.due(), invoice.underpaymentTolerancePercent())) {
      return new CreditRule(true, BigDecimal.ZERO);
    }
    return new CreditRule(false, invoice.due().subtract(c));
  }

  /** Whether the remainder needs a fresh payAmount: only an invoice still waiting for payment gets one. */
  public boolean needsPayAmount(Invoice invoice) {
    return !covers && (invoice.status() == InvoiceStatus.PENDING || invoice.status() == InvoiceStatus.CONFIRMING
        || invoice.status() == InvoiceStatus.PARTIALLY_PAID);
  }
}
