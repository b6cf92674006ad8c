package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;

/**
 * Everything a new invoice is made of: the merchant's {@link InvoiceTerms}, the payAmount the
 * wallet ledger allocated and the confirmations its chain requires. Written flat (the terms
 * unwrapped), as an {@link Invoice}'s document always was.
 */
public record InvoiceDraft(@JsonUnwrapped InvoiceTerms terms, BigDecimal payAmount, int requiredConfirmations)
    implements CborSerializable {}
