package io.stablegate.engine.ledger;

import io.stablegate.engine.serialization.CborSerializable;
import java.util.UUID;

/**
 * The ledger's answer to a payer's claim on one transfer.
 *
 * @param result what the ledger knows of the transfer
 * @param invoiceId the invoice the transfer pays, for {@link Result#PAYS_INVOICE}; otherwise null
 */
public record ClaimOutcome(Result result, UUID invoiceId) implements CborSerializable {

  public enum Result {
    /** The transfer is routed to (credits) {@code invoiceId}: the claim changes nothing. */
    PAYS_INVOICE,
    /** The transfer is kept as unmatched: the claim is on it for the merchant to see. */
    RECORDED,
    /** The transfer is not final (or not yet seen): the claim is kept and recorded once it is unmatched. */
    AWAITING_TRANSFER
  }

  public static ClaimOutcome paysInvoice(UUID invoiceId) {
    return new ClaimOutcome(Result.PAYS_INVOICE, invoiceId);
  }

  public static ClaimOutcome recorded() {
    return new ClaimOutcome(Result.RECORDED, null);
  }

  public static ClaimOutcome awaitingTransfer() {
    return new ClaimOutcome(Result.AWAITING_TRANSFER, null);
  }
}
