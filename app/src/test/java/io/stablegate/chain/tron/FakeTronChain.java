package io.stablegate.chain.tron;

import com.google.protobuf.ByteString;
import io.stablegate.engine.chain.TronAddress;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tron.trident.proto.Chain;
import org.tron.trident.proto.Response;

/**
 * A Tron chain that tests build block by block, shaped like mainnet's answers: block ids are the
 * sha256 of the raw header with the number in the first 8 bytes; logs carry the 20-byte contract
 * address and topics with 20-byte addresses left-padded to 32; a reverted call has a failed
 * receipt and no logs.
 */
public final class FakeTronChain {
  static final byte[] TRANSFER_TOPIC = hex("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One block: its id and header, and the transaction infos getTransactionInfoByBlockNum returns. */
  public record Block(long number, ByteString id, Chain.BlockHeader header, List<Response.TransactionInfo> infos) {
    Response.BlockExtention extention() {
      return Response.BlockExtention.newBuilder().setBlockid(id).setBlockHeader(header).build();
    }
  }

  private final List<Block> blocks = new ArrayList<>();
  private final TronAddress usdt;
  private final int decimals;
  // Block times follow the wall clock: the ledger matches a transfer only to invoices that existed
  // (within a clock-skew tolerance) when its block was made.
  private long clockMillis = System.currentTimeMillis();

  public FakeTronChain(TronAddress usdt, int decimals, long firstBlock) {
    this.usdt = usdt;
    this.decimals = decimals;
    blocks.add(block(firstBlock, new byte[32], List.of()));
  }

  public TronAddress usdt() {
    return usdt;
  }

  public int decimals() {
    return decimals;
  }

  public synchronized Optional<Block> head() {
    return blocks.isEmpty() ? Optional.empty() : Optional.of(blocks.get(blocks.size() - 1));
  }

  public synchronized long headNumber() {
    return head().orElseThrow().number();
  }

  public synchronized Optional<Block> block(long number) {
    return blocks.stream().filter(b -> b.number() == number).findFirst();
  }

  /** The info of transaction {@code id} in a block of the current branch, as getTransactionInfoById finds it. */
  public synchronized Optional<Response.TransactionInfo> transactionInfo(ByteString id) {
    return blocks.stream().flatMap(b -> b.infos().stream()).filter(info -> info.getId().equals(id)).findFirst();
  }

  /** Appends a block holding {@code txs}; returns its number. */
  public synchronized long mine(List<Tx> txs) {
    Block parent = blocks.get(blocks.size() - 1);
    long number = parent.number() + 1;
    long time = Math.max(System.currentTimeMillis(), clockMillis + 1);
    List<Response.TransactionInfo> infos = txs.stream().map(tx -> tx.info(number, time)).toList();
    blocks.add(block(number, parent.id().toByteArray(), infos));
    return number;
  }

  public synchronized void mineEmpty(int count) {
    for (int i = 0; i < count; i++) {
      mine(List.of());
    }
  }

  /** Drops every block from {@code number} on: the next ones mined form the new branch. */
  public synchronized void dropFrom(long number) {
    blocks.removeIf(b -> b.number() >= number);
  }

  private Block block(long number, byte[] parentId, List<Response.TransactionInfo> infos) {
    clockMillis = Math.max(System.currentTimeMillis(), clockMillis + 1);
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt); // two branches at the same height must differ, as real ones do
    Chain.BlockHeader.raw raw = Chain.BlockHeader.raw.newBuilder()
        .setNumber(number)
        .setParentHash(ByteString.copyFrom(parentId))
        .setTimestamp(clockMillis)
        .setTxTrieRoot(ByteString.copyFrom(salt))
        .build();
    byte[] id = sha256(raw.toByteArray());
    byte[] prefix = BigInteger.valueOf(number).toByteArray();
    Arrays.fill(id, 0, 8, (byte) 0);
    System.arraycopy(prefix, 0, id, 8 - prefix.length, prefix.length);
    return new Block(number, ByteString.copyFrom(id),
        Chain.BlockHeader.newBuilder().setRawData(raw).build(), List.copyOf(infos));
  }

  /** A transaction as getTransactionInfoByBlockNum shows it; {@code id} is its txid. */
  public record Tx(byte[] id, TronAddress contract, List<Response.TransactionInfo.Log> logs, boolean reverted) {
    Response.TransactionInfo info(long block, long timeMillis) {
      Response.TransactionInfo.Builder info = Response.TransactionInfo.newBuilder()
          .setId(ByteString.copyFrom(id))
          .setBlockNumber(block)
          .setBlockTimeStamp(timeMillis)
          .setContractAddress(ByteString.copyFrom(contract.toBytes21()))
          .addAllLog(logs);
      if (reverted) {
        info.setResult(Response.TransactionInfo.code.FAILED)
            .setResMessage(ByteString.copyFromUtf8("REVERT opcode executed"))
            .setReceipt(Response.ResourceReceipt.newBuilder()
                .setResult(Chain.Transaction.Result.contractResult.REVERT));
      } else {
        info.setReceipt(Response.ResourceReceipt.newBuilder()
            .setResult(Chain.Transaction.Result.contractResult.SUCCESS));
      }
      return info.build();
    }

    public String txid() {
      return java.util.HexFormat.of().formatHex(id);
    }
  }

  /** A TRC-20 transfer call on {@code token}. */
  public static Tx transfer(TronAddress token, TronAddress from, TronAddress to, BigInteger units) {
    Response.TransactionInfo.Log log = Response.TransactionInfo.Log.newBuilder()
        .setAddress(ByteString.copyFrom(Arrays.copyOfRange(token.toBytes21(), 1, 21)))
        .addTopics(ByteString.copyFrom(TRANSFER_TOPIC))
        .addTopics(topic(from))
        .addTopics(topic(to))
        .setData(uint256(units))
        .build();
    return new Tx(randomId(), token, List.of(log), false);
  }

  /** A call to {@code token} that reverted: failed receipt, no logs. */
  public static Tx reverted(TronAddress token) {
    return new Tx(randomId(), token, List.of(), true);
  }

  public static TronAddress newAddress() {
    byte[] bytes = new byte[21];
    RANDOM.nextBytes(bytes);
    bytes[0] = 0x41;
    return TronAddress.fromBytes(bytes);
  }

  static ByteString uint256(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] word = new byte[32];
    int length = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - length, word, 32 - length, length);
    return ByteString.copyFrom(word);
  }

  private static ByteString topic(TronAddress address) {
    byte[] word = new byte[32];
    System.arraycopy(address.toBytes21(), 1, word, 12, 20);
    return ByteString.copyFrom(word);
  }

  private static byte[] randomId() {
    byte[] seed = new byte[64];
    RANDOM.nextBytes(seed);
    return sha256(seed);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hex(String text) {
    return java.util.HexFormat.of().parseHex(text);
  }
}
