package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;

/**
 * Everything a new invoice is made of: the merchant's {@link InvoiceTerms}, the payAmount the
 * wallet ledger allocated, the confirmations its chain requires and the merchant's underpayment
 * tolerance at creation (null: 0). Written flat (the terms unwrapped), as an {@link Invoice}'s
 * document always was. It never changes: what payments change (the current payAmount, what is
 * due) lives on the {@link Invoice}.
 */
public record InvoiceDraft(
    @JsonUnwrapped InvoiceTerms terms,
    BigDecimal payAmount,
    int requiredConfirmations,
    BigDecimal underpaymentTolerancePercent)
    implements CborSerializable {

  public InvoiceDraft {
    underpaymentTolerancePercent = underpaymentTolerancePercent == null ? BigDecimal.ZERO
        : Amounts.normalize(underpaymentTolerancePercent);
  }

  /** A draft without an underpayment tolerance (0). */
  public InvoiceDraft(InvoiceTerms terms, BigDecimal payAmount, int requiredConfirmations) {
    this(terms, payAmount, requiredConfirmations, BigDecimal.ZERO);
  }
}
