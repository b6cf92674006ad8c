package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;

/**
 * A transfer that became a final payment of an invoice: the event that credited it ({@code
 * PaymentConfirmed}), with its place in the journal's global {@code ordering}.
 */
record Credit(TransferKey transfer, String persistenceId, long seqNr, long ordering) {}
