package io.stablegate.engine.ledger;

import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;

/** The answer to {@link WalletLedgerCommand.Allocate}: the payAmount reserved for the invoice. */
public record PayAmount(BigDecimal value) implements CborSerializable {}
