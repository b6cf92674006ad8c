package io.stablegate.engine.invoice;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/** One transfer credited to an invoice. */
public record Payment(
    String txHash,
    int logIndex,
    String from,
    BigDecimal amount,
    long blockNumber,
    int confirmations,
    PaymentStatus status,
    Instant detectedAt)
    implements CborSerializable {

  public boolean isFinal() {
    return status == PaymentStatus.FINAL;
  }

  public boolean is(TransferKey key) {
    return txHash.equals(key.txHash()) && logIndex == key.logIndex();
  }

  public TransferKey key(Chain chain) {
    return new TransferKey(chain, txHash, logIndex);
  }

  Payment withConfirmations(int newConfirmations) {
    return new Payment(txHash, logIndex, from, amount, blockNumber, newConfirmations, status, detectedAt);
  }

  Payment asFinal(int finalConfirmations) {
    return new Payment(
        txHash, logIndex, from, amount, blockNumber, finalConfirmations, PaymentStatus.FINAL, detectedAt);
  }
}
