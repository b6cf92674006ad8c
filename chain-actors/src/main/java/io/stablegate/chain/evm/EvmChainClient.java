package io.stablegate.chain.evm;

import io.stablegate.chain.BlockRef;
import io.stablegate.chain.ChainClient;
import io.stablegate.chain.EndpointPool;
import io.stablegate.chain.TransactionLogs;
import io.stablegate.chain.WatchedToken;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.engine.money.ChainSpec;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * An EVM node behind one JSON-RPC URL, read with web3j. One client reads every token configured on
 * the chain: one {@code eth_getLogs} per range filters the {@code Transfer} logs of all their
 * contracts, and each transfer is tagged with the token whose contract emitted it.
 */
public final class EvmChainClient implements ChainClient {

  /** keccak256("Transfer(address,address,uint256)"), the same topic on every EVM chain and on Tron. */
  public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
  private static final String DECIMALS_SELECTOR = "0x313ce567";
  private static final int HEADER_BATCH = 50;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EvmChainClient.class);

  private final Chain chain;
  private final String url;
  private final Web3j web3j;
  private final OkHttpClient http;
  private final List<WatchedToken> tokens;
  private final Map<Token, String> tokensOff;
  /** The watched tokens by contract, lower case (as logs give it). */
  private final Map<String, WatchedToken> byContract = new HashMap<>();
  private final LogRange logRange;
  private volatile boolean batchesWork = true;

  private EvmChainClient(Chain chain, String url, Web3j web3j, OkHttpClient http, List<WatchedToken> tokens,
      Map<Token, String> tokensOff, LogRange logRange) {
    this.chain = chain;
    this.url = url;
    this.web3j = web3j;
    this.http = http;
    this.tokens = List.copyOf(tokens);
    this.tokensOff = Map.copyOf(tokensOff);
    this.tokens.forEach(t -> byContract.put(t.contract().toLowerCase(Locale.ROOT), t));
    this.logRange = logRange;
  }

  /**
   * A connector for the endpoint pool: connects, refuses an endpoint on another chain id, and checks
   * each configured token (code at its address, its {@code decimals()} as configured); a token that
   * fails is turned off (logged, and reported by {@link #tokensOff}), the others are read. The log
   * range is shared by the chain's endpoints, so what one provider taught is kept across reconnects.
   */
  public static EndpointPool.Connector<EvmChainClient> connector(WatcherSettings settings) {
    Map<ChainSpec.TokenSpec, EvmAddress> contracts = new java.util.LinkedHashMap<>();
    settings.tokens().forEach(t -> contracts.put(t, EvmAddress.parse(t.contract())));
    LogRange logRange = new LogRange(settings.maxLogRange());
    Map<Token, String> reported = new java.util.concurrent.ConcurrentHashMap<>();
    return url -> connect(settings, url, contracts, logRange, reported);
  }

  private static EvmChainClient connect(WatcherSettings settings, String url,
      Map<ChainSpec.TokenSpec, EvmAddress> contracts, LogRange logRange, Map<Token, String> reported)
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
      List<WatchedToken> tokens = new ArrayList<>();
      Map<Token, String> off = new java.util.TreeMap<>();
      for (Map.Entry<ChainSpec.TokenSpec, EvmAddress> e : contracts.entrySet()) {
        ChainSpec.TokenSpec spec = e.getKey();
        EvmAddress contract = e.getValue();
        String problem = null;
        String code = check(web3j.ethGetCode(contract.lowerCase(), DefaultBlockParameterName.LATEST).send()).getCode();
        if (code == null || code.equals("0x") || code.isEmpty()) {
          problem = "no contract code at " + contract.value() + " on chain id " + chainId;
        } else {
          String result = check(web3j.ethCall(
              org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(null, contract.lowerCase(),
                  DECIMALS_SELECTOR),
              DefaultBlockParameterName.LATEST).send()).getValue();
          if (result == null || result.length() < 3) {
            problem = contract.value() + " answers no decimals()";
          } else {
            int decimals = new BigInteger(result.substring(2), 16).intValueExact();
            if (spec.decimals().isPresent() && spec.decimals().getAsInt() != decimals) {
              problem = contract.value() + " has " + decimals + " decimals, configured " + spec.decimals().getAsInt();
            } else {
              tokens.add(new WatchedToken(spec.token(), contract.value(), decimals));
            }
          }
        }
        if (problem != null) {
          off.put(spec.token(), problem);
          if (!problem.equals(reported.put(spec.token(), problem))) {
            log.warn("{} {} is turned off: {}; the chain's other tokens are watched", settings.chain(), spec.token(),
                problem);
          }
        } else {
          reported.remove(spec.token());
        }
      }
      return new EvmChainClient(settings.chain(), url, web3j, http, tokens, off, logRange);
    } catch (IOException | RuntimeException e) {
      web3j.shutdown();
      throw e;
    }
  }

  @Override
  public List<WatchedToken> tokens() {
    return tokens;
  }

  @Override
  public Map<Token, String> tokensOff() {
    return tokensOff;
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
    if (blocks.isEmpty() || watched.isEmpty() || tokens.isEmpty()) {
      return transfers;
    }
    List<String> addresses = List.copyOf(byContract.keySet());
    Map<Long, BlockRef> byNumber = ChainClient.byNumber(blocks);
    long from = blocks.get(0).number();
    long to = blocks.get(blocks.size() - 1).number();
    long start = from;
    while (start <= to) {
      long end = Math.min(to, start + logRange.size() - 1);
      EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
          DefaultBlockParameter.valueOf(BigInteger.valueOf(end)), addresses);
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
    WatchedToken token = byContract.get(lower(log.getAddress()));
    if (log.isRemoved() || log.getTopics().size() != 3 || !TRANSFER_TOPIC.equals(lower(log.getTopics().get(0)))
        || token == null) {
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
        Amounts.fromBaseUnits(units, token.decimals()), number, lower(log.getBlockHash()), block.time(), token.token()));
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
