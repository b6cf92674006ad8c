package io.stablegate.chain.tron;

import com.google.protobuf.ByteString;
import io.stablegate.chain.BlockRef;
import io.stablegate.chain.ChainClient;
import io.stablegate.chain.EndpointPool;
import io.stablegate.chain.TransactionLogs;
import io.stablegate.chain.WatchedToken;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.tron.trident.api.GrpcAPI;
import org.tron.trident.api.WalletGrpc;
import org.tron.trident.core.ApiWrapper;
import org.tron.trident.core.key.KeyPair;
import org.tron.trident.proto.Contract;
import org.tron.trident.proto.Response;

/**
 * A Tron full node behind one gRPC endpoint, read with trident. Tron has no log range query: each
 * block is its header plus {@code getTransactionInfoByBlockNum}, whose logs carry 20-byte addresses.
 */
public final class TronChainClient implements ChainClient {

  private static final byte[] TRANSFER_TOPIC = HexFormat.of().parseHex(
      "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  private static final byte[] DECIMALS_SELECTOR = HexFormat.of().parseHex("313ce567");

  private final String endpoint;
  private final ApiWrapper wrapper;
  private final long timeoutMillis;
  private final byte[] token20;
  private final int decimals;
  private final List<WatchedToken> tokens;

  private TronChainClient(String endpoint, ApiWrapper wrapper, long timeoutMillis, byte[] token20, int decimals,
      String contract) {
    this.endpoint = endpoint;
    this.wrapper = wrapper;
    this.timeoutMillis = timeoutMillis;
    this.token20 = token20;
    this.decimals = decimals;
    this.tokens = List.of(new WatchedToken(Token.USDT, contract, decimals));
  }

  /** Tron reads USDT only (Circle ended USDC on Tron); USDT must be configured. */
  public static EndpointPool.Connector<TronChainClient> connector(WatcherSettings settings) {
    if (settings.usdtContract() == null) {
      throw new IllegalArgumentException("TRON: the watcher reads USDT and its contract is set to none");
    }
    TronAddress token = TronAddress.parse(settings.usdtContract());
    return endpoint -> connect(settings, endpoint, token);
  }

  private static TronChainClient connect(WatcherSettings settings, String endpoint, TronAddress token) {
    // Reads need no key, but ApiWrapper insists on one: a throwaway key that never signs anything.
    String throwaway = KeyPair.generate().toPrivateKey();
    ApiWrapper wrapper = settings.apiKey()
        .map(key -> new ApiWrapper(endpoint, endpoint, throwaway, key.value()))
        .orElseGet(() -> new ApiWrapper(endpoint, endpoint, throwaway));
    try {
      long timeout = settings.rpcTimeout().toMillis();
      Response.TransactionExtention call = stub(wrapper, timeout).triggerConstantContract(
          Contract.TriggerSmartContract.newBuilder()
              .setOwnerAddress(ByteString.copyFrom(token.toBytes21()))
              .setContractAddress(ByteString.copyFrom(token.toBytes21()))
              .setData(ByteString.copyFrom(DECIMALS_SELECTOR))
              .build());
      if (call.getConstantResultCount() == 0 || call.getConstantResult(0).isEmpty()) {
        throw new IllegalStateException("token " + token.value() + " answered no decimals(): "
            + call.getResult().getMessage().toStringUtf8());
      }
      int decimals = new BigInteger(1, call.getConstantResult(0).toByteArray()).intValueExact();
      byte[] token20 = Arrays.copyOfRange(token.toBytes21(), 1, 21);
      return new TronChainClient(endpoint, wrapper, timeout, token20, decimals, token.value());
    } catch (RuntimeException e) {
      wrapper.close();
      throw e;
    }
  }

  private static WalletGrpc.WalletBlockingStub stub(ApiWrapper wrapper, long timeoutMillis) {
    return wrapper.blockingStub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private WalletGrpc.WalletBlockingStub stub() {
    return stub(wrapper, timeoutMillis);
  }

  @Override
  public List<WatchedToken> tokens() {
    return tokens;
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public long headNumber() {
    Response.BlockExtention block = stub().getNowBlock2(GrpcAPI.EmptyMessage.getDefaultInstance());
    if (!block.hasBlockHeader()) {
      throw new IllegalStateException("node returned no latest block");
    }
    return block.getBlockHeader().getRawData().getNumber();
  }

  @Override
  public Optional<BlockRef> block(long number) {
    Response.BlockExtention block = stub().getBlockByNum2(GrpcAPI.NumberMessage.newBuilder().setNum(number).build());
    // A block the node does not have comes back as an empty message, not an error.
    if (!block.hasBlockHeader() || block.getBlockid().isEmpty()) {
      return Optional.empty();
    }
    var raw = block.getBlockHeader().getRawData();
    if (raw.getNumber() != number) {
      throw new IllegalStateException("asked for block " + number + ", got " + raw.getNumber());
    }
    return Optional.of(new BlockRef(number, hex(block.getBlockid()), hex(raw.getParentHash()),
        Instant.ofEpochMilli(raw.getTimestamp())));
  }

  @Override
  public List<Transfer> transfers(List<BlockRef> blocks, Set<String> watched) {
    List<Transfer> transfers = new ArrayList<>();
    if (watched.isEmpty()) {
      return transfers;
    }
    for (BlockRef block : blocks) {
      Response.TransactionInfoList infos = stub().getTransactionInfoByBlockNum(
          GrpcAPI.NumberMessage.newBuilder().setNum(block.number()).build());
      for (Response.TransactionInfo info : infos.getTransactionInfoList()) {
        if (info.getBlockNumber() != block.number()) {
          throw new IllegalStateException("transaction info of block " + info.getBlockNumber()
              + " in the answer for block " + block.number());
        }
        // A reverted call has a failed receipt and no logs; checking the result too costs nothing.
        if (info.getResult() != Response.TransactionInfo.code.SUCESS) {
          continue;
        }
        for (int i = 0; i < info.getLogCount(); i++) {
          toTransfer(info, i, block, watched).ifPresent(transfers::add);
        }
      }
    }
    return transfers;
  }

  /**
   * The transaction's info as this node has it now (for audits; the watcher does not use it), with
   * the id of the block it is in: empty if the node knows no such transaction in a block. Logs are
   * numbered by their position in the transaction, as the watcher numbers them.
   */
  @Override
  public Optional<TransactionLogs> transactionLogs(String txId) {
    Response.TransactionInfo info = stub().getTransactionInfoById(
        GrpcAPI.BytesMessage.newBuilder().setValue(ByteString.fromHex(txId)).build());
    // An unknown transaction comes back as an empty message, like a missing block.
    if (info.getId().isEmpty() || info.getBlockNumber() == 0) {
      return Optional.empty();
    }
    Optional<BlockRef> block = block(info.getBlockNumber());
    if (block.isEmpty()) {
      return Optional.empty();
    }
    List<TransactionLogs.TransferLog> transfers = new ArrayList<>();
    for (int i = 0; i < info.getLogCount(); i++) {
      Response.TransactionInfo.Log log = info.getLog(i);
      if (log.getTopicsCount() != 3 || !Arrays.equals(log.getTopics(0).toByteArray(), TRANSFER_TOPIC)) {
        continue;
      }
      transfers.add(new TransactionLogs.TransferLog(i, TronAddress.fromBytes(log.getAddress().toByteArray()).value(),
          TronAddress.fromBytes(log.getTopics(1).toByteArray()).value(),
          TronAddress.fromBytes(log.getTopics(2).toByteArray()).value(),
          new BigInteger(1, log.getData().toByteArray())));
    }
    return Optional.of(new TransactionLogs(hex(info.getId()), info.getBlockNumber(), block.get().hash(),
        info.getResult() == Response.TransactionInfo.code.SUCESS, transfers));
  }

  private Optional<Transfer> toTransfer(Response.TransactionInfo info, int index, BlockRef block,
      Set<String> watched) {
    Response.TransactionInfo.Log log = info.getLog(index);
    if (!Arrays.equals(last20(log.getAddress().toByteArray()), token20) || log.getTopicsCount() != 3
        || !Arrays.equals(log.getTopics(0).toByteArray(), TRANSFER_TOPIC)) {
      return Optional.empty();
    }
    TronAddress to = TronAddress.fromBytes(log.getTopics(2).toByteArray());
    if (!watched.contains(to.value())) {
      return Optional.empty();
    }
    TronAddress from = TronAddress.fromBytes(log.getTopics(1).toByteArray());
    BigInteger units = new BigInteger(1, log.getData().toByteArray());
    return Optional.of(new Transfer(Chain.TRON, hex(info.getId()), index, from.value(), to.value(),
        Amounts.fromBaseUnits(units, decimals), block.number(), block.hash(), block.time()));
  }

  /** Log addresses are 20 bytes; tolerate the 21-byte form with 0x41 as well. */
  private static byte[] last20(byte[] address) {
    return address.length <= 20 ? address : Arrays.copyOfRange(address, address.length - 20, address.length);
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    wrapper.close();
  }
}
