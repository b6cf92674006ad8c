package io.stablegate.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A transaction as a node reports it now, for audits ({@code stablegate audit verify --onchain}):
 * the block it is in, whether it succeeded, and the ERC-20/TRC-20 {@code Transfer} logs it emitted,
 * numbered as the watcher numbers them ({@link io.stablegate.engine.chain.Transfer#logIndex}: the
 * block-wide log index on EVM chains, the position in the transaction's logs on Tron).
 *
 * @param blockHash the hash (Tron: block id) of the block, as the node has it at {@code blockNumber}
 */
public record TransactionLogs(String txHash, long blockNumber, String blockHash, boolean succeeded,
    List<TransferLog> transfers) {

  public TransactionLogs {
    transfers = List.copyOf(transfers);
  }

  /**
   * One {@code Transfer(address,address,uint256)} log.
   *
   * @param contract the emitting contract, canonical (EVM: lower-case {@code 0x…}; Tron: base58 {@code T…})
   * @param from canonical address
   * @param to canonical address
   * @param units the amount in the token's base units
   */
  public record TransferLog(int logIndex, String contract, String from, String to, BigInteger units) {}

  public Optional<TransferLog> transfer(int logIndex) {
    return transfers.stream().filter(t -> t.logIndex() == logIndex).findFirst();
  }
}
