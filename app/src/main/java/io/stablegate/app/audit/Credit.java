package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;

/**
 * A transfer that became a final payment of an invoice: the event that credited it ({@code
 * PaymentConfirmed}), with its place in the journal's global {@code ordering}, and what the journal
 * says the transfer was (from the invoice's {@code PaymentDetected}), for {@code verify --onchain}.
 *
 * @param to the invoice's address, which the transfer paid
 * @param blockHash the hash of the block the watcher read the transfer in
 * @param token the invoice's token, which the transfer must be of
 */
record Credit(TransferKey transfer, String persistenceId, long seqNr, long ordering, String to, BigDecimal amount,
    long blockNumber, String blockHash, Token token) {}
