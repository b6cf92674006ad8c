package io.stablegate.chain.evm;

import io.stablegate.chain.BlockRef;
import io.stablegate.chain.ChainClient;
import io.stablegate.chain.EndpointPool;
import io.stablegate.chain.TransactionLogs;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/** An Ethereum or BSC node behind one JSON-RPC URL, read with web3j. */
public final class EvmChainClient implements ChainClient {

  /** keccak256("Transfer(address,address,uint256)"), the same topic on every EVM chain and on Tron. */
  public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
  private static final String DECIMALS_SELECTOR = "0x313ce567";
  private static final int HEADER_BATCH = 50;

  private final Chain chain;
  private final String url;
  private final Web3j web3j;
  private final OkHttpClient http;
  private final String token;
  private final int decimals;
  private final LogRange logRange;
  private volatile boolean batchesWork = true;

  private EvmChainClient(Chain chain, String url, Web3j web3j, OkHttpClient http, String token, int decimals,
      LogRange logRange) {
    this.chain = chain;
    this.url = url;
    this.web3j = web3j;
    this.http = http;
    this.token = token;
    this.decimals = decimals;
    this.logRange = logRange;
  }

  /**
   * A connector for the endpoint pool: connects, refuses an endpoint on another chain id, and reads
   * the token's decimals. The log range is shared by the chain's endpoints, so what one provider
   * taught is kept across reconnects.
   */
  public static EndpointPool.Connector<EvmChainClient> connector(WatcherSettings settings) {
    EvmAddress token = EvmAddress.parse(settings.usdtContract());
    LogRange logRange = new LogRange(settings.maxLogRange());
    return url -> connect(settings, url, token, logRange);
  }

  private static EvmChainClient connect(WatcherSettings settings, String url, EvmAddress token, LogRange logRange)
      throws IOException {
    long timeout = settings.rpcTimeout().toMillis();
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(timeout, TimeUnit.MILLISECONDS)
        .readTimeout(timeout, TimeUnit.MILLISECONDS)
        .callTimeout(timeout, TimeUnit.MILLISECONDS)
        .build();
    Web3j web3j = Web3j.build(new HttpService(url, http));
    try {
      BigInteger chainId = check(web3j.ethChainId().send()).getChainId();
      if (chainId.longValueExact() != settings.chainId()) {
        throw new IllegalStateException("reports chain id " + chainId + ", expected " + settings.chainId());
      }
      String result = check(web3j.ethCall(
          org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(null, token.lowerCase(),
              DECIMALS_SELECTOR),
          DefaultBlockParameterName.LATEST).send()).getValue();
      if (result == null || result.length() < 3) {
        throw new IllegalStateException("token " + token.value() + " has no decimals() here");
      }
      int decimals = new BigInteger(result.substring(2), 16).intValueExact();
      return new EvmChainClient(settings.chain(), url, web3j, http, token.lowerCase(), decimals, logRange);
    } catch (IOException | RuntimeException e) {
      web3j.shutdown();
      throw e;
    }
  }

  @Override
  public int decimals() {
    return decimals;
  }

  @Override
  public String endpoint() {
    return url;
  }

  @Override
  public long headNumber() throws IOException {
    return check(web3j.ethBlockNumber().send()).getBlockNumber().longValueExact();
  }

  @Override
  public Optional<BlockRef> block(long number) throws IOException {
    EthBlock.Block block = check(web3j.ethGetBlockByNumber(
        DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send()).getBlock();
    return Optional.ofNullable(block).map(EvmChainClient::ref);
  }

  /**
   * Headers in JSON-RPC batches: a catch-up of hundreds of blocks costs a few round trips. Some
   * providers refuse batches or cap them; then this client reads headers one by one from then on.
   */
  @Override
  public List<BlockRef> blocks(long from, long to) throws Exception {
    if (batchesWork) {
      try {
        return batchedBlocks(from, to);
      } catch (BlockNotAvailable e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        batchesWork = false;
        org.slf4j.LoggerFactory.getLogger(EvmChainClient.class).info(
            "{} {} refused a batch of headers ({}); reading them one by one", chain,
            EndpointPool.redact(url), e.getMessage());
      }
    }
    return ChainClient.super.blocks(from, to);
  }

  private List<BlockRef> batchedBlocks(long from, long to) throws IOException {
    List<BlockRef> blocks = new ArrayList<>();
    for (long start = from; start <= to; start += HEADER_BATCH) {
      long end = Math.min(to, start + HEADER_BATCH - 1);
      BatchRequest batch = web3j.newBatch();
      for (long n = start; n <= end; n++) {
        batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false));
      }
      BatchResponse response = batch.send();
      if (response.getResponses().size() != end - start + 1) {
        throw new IllegalStateException("a batch of " + (end - start + 1) + " headers got "
            + response.getResponses().size() + " answers");
      }
      for (Response<?> r : response.getResponses()) {
        EthBlock.Block block = check((EthBlock) r).getBlock();
        if (block == null) {
          throw new BlockNotAvailable(from + blocks.size());
        }
        blocks.add(ref(block));
      }
    }
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).number() != from + i) {
        throw new IllegalStateException("batch answered block " + blocks.get(i).number() + " for " + (from + i));
      }
    }
    return blocks;
  }

  @Override
  public List<Transfer> transfers(List<BlockRef> blocks, Set<String> watched) throws IOException {
    List<Transfer> transfers = new ArrayList<>();
    if (blocks.isEmpty() || watched.isEmpty()) {
      return transfers;
    }
    Map<Long, BlockRef> byNumber = ChainClient.byNumber(blocks);
    long from = blocks.get(0).number();
    long to = blocks.get(blocks.size() - 1).number();
    long start = from;
    while (start <= to) {
      long end = Math.min(to, start + logRange.size() - 1);
      EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
          DefaultBlockParameter.valueOf(BigInteger.valueOf(end)), token);
      filter.addSingleTopic(TRANSFER_TOPIC);
      EthLog response = web3j.ethGetLogs(filter).send();
      if (response.hasError()) {
        Response.Error error = response.getError();
        if (LogRange.isRangeTooLarge(error.getCode(), error.getMessage()) && logRange.shrink()) {
          continue;
        }
        throw new RpcException("eth_getLogs " + start + ".." + end, error);
      }
      logRange.succeeded();
      for (EthLog.LogResult<?> result : response.getLogs()) {
        Log log = (Log) result.get();
        toTransfer(log, byNumber, watched).ifPresent(transfers::add);
      }
      start = end + 1;
    }
    return transfers;
  }

  /**
   * The transaction's receipt as this node has it now (for audits; the watcher does not use it):
   * empty if the node knows no such mined transaction, which is what a transaction dropped by a
   * reorganisation looks like. Every {@code Transfer} log is listed, whatever contract emitted it.
   */
  @Override
  public Optional<TransactionLogs> transactionLogs(String txHash) throws IOException {
    Optional<TransactionReceipt> found = check(web3j.ethGetTransactionReceipt(txHash).send()).getTransactionReceipt();
    if (found.isEmpty() || found.get().getBlockHash() == null) {
      return Optional.empty();
    }
    TransactionReceipt receipt = found.get();
    List<TransactionLogs.TransferLog> transfers = new ArrayList<>();
    for (Log log : receipt.getLogs()) {
      if (log.isRemoved() || log.getTopics().size() != 3 || !TRANSFER_TOPIC.equals(lower(log.getTopics().get(0)))) {
        continue;
      }
      transfers.add(new TransactionLogs.TransferLog(log.getLogIndex().intValueExact(),
          EvmAddress.fromBytes(hex(log.getAddress())).value(), EvmAddress.fromBytes(hex(log.getTopics().get(1))).value(),
          EvmAddress.fromBytes(hex(log.getTopics().get(2))).value(), new BigInteger(1, hex(log.getData()))));
    }
    return Optional.of(new TransactionLogs(lower(receipt.getTransactionHash()),
        receipt.getBlockNumber().longValueExact(), lower(receipt.getBlockHash()), receipt.isStatusOK(), transfers));
  }

  private Optional<Transfer> toTransfer(Log log, Map<Long, BlockRef> blocks, Set<String> watched) {
    if (log.isRemoved() || log.getTopics().size() != 3 || !TRANSFER_TOPIC.equals(lower(log.getTopics().get(0)))
        || !token.equals(lower(log.getAddress()))) {
      return Optional.empty();
    }
    EvmAddress to = EvmAddress.fromBytes(hex(log.getTopics().get(2)));
    if (!watched.contains(to.value())) {
      return Optional.empty();
    }
    long number = log.getBlockNumber().longValueExact();
    BlockRef block = blocks.get(number);
    if (block == null) {
      throw new IllegalStateException("eth_getLogs answered block " + number + " outside the range asked");
    }
    BigInteger units = new BigInteger(1, hex(log.getData()));
    return Optional.of(new Transfer(chain, lower(log.getTransactionHash()), log.getLogIndex().intValueExact(),
        EvmAddress.fromBytes(hex(log.getTopics().get(1))).value(), to.value(),
        Amounts.fromBaseUnits(units, decimals), number, lower(log.getBlockHash()), block.time()));
  }

  private static BlockRef ref(EthBlock.Block block) {
    return new BlockRef(block.getNumber().longValueExact(), lower(block.getHash()), lower(block.getParentHash()),
        Instant.ofEpochSecond(block.getTimestamp().longValueExact()));
  }

  private static <R extends Response<?>> R check(R response) {
    if (response.hasError()) {
      throw new RpcException(response.getClass().getSimpleName(), response.getError());
    }
    return response;
  }

  private static String lower(String hex) {
    return hex == null ? null : hex.toLowerCase(Locale.ROOT);
  }

  private static byte[] hex(String text) {
    String digits = text.startsWith("0x") ? text.substring(2) : text;
    return HexFormat.of().parseHex(digits.length() % 2 == 0 ? digits : "0" + digits);
  }

  /** A JSON-RPC error answer: the endpoint is up but refused. */
  static final class RpcException extends RuntimeException {
    RpcException(String call, Response.Error error) {
      super(call + " failed: " + error.getCode() + " " + error.getMessage());
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
