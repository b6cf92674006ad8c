package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One transfer credited to an invoice. {@code source} says how it came to (null in documents written
 * before sources existed: {@code MATCHED}); {@code attachedBy} who attached it, for {@code ATTACHED}.
 */
public record Payment(
    String txHash,
    int logIndex,
    String from,
    BigDecimal amount,
    long blockNumber,
    int confirmations,
    PaymentStatus status,
    Instant detectedAt,
    PaymentSource source,
    Attribution attachedBy)
    implements CborSerializable {

  public Payment {
    source = source == null ? PaymentSource.MATCHED : source;
  }

  public Payment(String txHash, int logIndex, String from, BigDecimal amount, long blockNumber, int confirmations,
      PaymentStatus status, Instant detectedAt) {
    this(txHash, logIndex, from, amount, blockNumber, confirmations, status, detectedAt, PaymentSource.MATCHED, null);
  }

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
    return new Payment(txHash, logIndex, from, amount, blockNumber, newConfirmations, status, detectedAt, source,
        attachedBy);
  }

  Payment asFinal(int finalConfirmations) {
    return new Payment(txHash, logIndex, from, amount, blockNumber, finalConfirmations, PaymentStatus.FINAL,
        detectedAt, source, attachedBy);
  }
}
