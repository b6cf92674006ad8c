package io.stablegate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.chain.tron.FakeTronChain;
import io.stablegate.chain.tron.FakeTronNode;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.claims.ChainTransaction;
import io.stablegate.engine.claims.ChainUnavailableException;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * What payers' claims read from the chains, against a real anvil with the test USDT and the Tron
 * imitation node: a mined transfer with its block, time and amount (only the configured token's
 * transfers), nothing for a hash no transaction has, and a chain whose endpoints refuse, or that is
 * not enabled, as {@link ChainUnavailableException} with a Retry-After.
 */
class ChainTransactionLookupTest {
  private static Anvil anvil;
  private static EvmChain evm;
  private static String token;
  private static String otherToken;
  private static FakeTronChain tron;
  private static FakeTronNode tronNode;
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void startChains() throws Exception {
    anvil = Anvil.start();
    evm = new EvmChain(anvil.url());
    token = evm.deployToken(6);
    otherToken = evm.deployToken(6);
    tron = new FakeTronChain(FakeTronChain.newAddress(), 6, 50_000_000L);
    tronNode = new FakeTronNode(tron);
  }

  @AfterAll
  static void stopChains() throws Exception {
    blocking.shutdownNow();
    evm.close();
    anvil.close();
    tronNode.close();
  }

  private static ChainTransactionLookup lookup(String evmUrls) {
    Config config = ConfigFactory.parseString("""
        stablegate.chains.ethereum.rpc-urls = "%s"
        stablegate.chains.ethereum.chain-id = 31337
        stablegate.chains.ethereum.usdt-contract = "%s"
        stablegate.chains.tron.grpc-endpoints = "%s"
        stablegate.chains.tron.usdt-contract = "%s"
        stablegate.chains.bsc.enabled = false
        stablegate.chain-watcher.rpc-timeout = 5s
        """.formatted(evmUrls, token, tronNode.endpoint(), tron.usdt().value())).withFallback(ConfigFactory.load());
    return ChainTransactionLookup.create(config.resolve(), blocking, Clock.systemUTC());
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void readsAnEthereumTransferWithItsBlockTimeAndOnlyTheTokensTransfers() throws Exception {
    String wallet = EvmChain.newWallet();
    TransactionReceipt sent = evm.transfer(token, wallet, BigInteger.valueOf(12_500_000));
    TransactionReceipt other = evm.transfer(otherToken, wallet, BigInteger.valueOf(1_000_000));
    try (ChainTransactionLookup lookup = lookup(anvil.url())) {
      ChainTransaction tx = get(lookup.find(Chain.ETHEREUM, sent.getTransactionHash().toLowerCase())).orElseThrow();
      assertThat(tx.blockNumber()).isEqualTo(sent.getBlockNumber().longValueExact());
      assertThat(tx.blockTime()).isEqualTo(Instant.ofEpochSecond(evm.web3j().ethGetBlockByNumber(
          DefaultBlockParameter.valueOf(sent.getBlockNumber()), false).send().getBlock().getTimestamp().longValueExact()));
      assertThat(tx.succeeded()).isTrue();
      assertThat(tx.tokenTransfers()).singleElement().satisfies(t -> {
        assertThat(t.to()).isEqualTo(EvmAddress.parse(wallet).value());
        assertThat(t.amount()).isEqualByComparingTo(new BigDecimal("12.5"));
        assertThat(t.logIndex()).isEqualTo(sent.getLogs().get(0).getLogIndex().intValueExact());
      });
      assertThat(get(lookup.find(Chain.ETHEREUM, other.getTransactionHash().toLowerCase())).orElseThrow()
          .tokenTransfers()).as("another token's transfer is not the token's").isEmpty();
      assertThat(get(lookup.find(Chain.ETHEREUM, "0x" + randomHex()))).isEmpty();
    }
  }

  @Test
  void readsATronTransfer() throws Exception {
    TronAddress wallet = FakeTronChain.newAddress();
    FakeTronChain.Tx sent = FakeTronChain.transfer(tron.usdt(), FakeTronChain.newAddress(), wallet,
        BigInteger.valueOf(7_000_001));
    long block = tron.mine(List.of(sent));
    try (ChainTransactionLookup lookup = lookup(anvil.url())) {
      ChainTransaction tx = get(lookup.find(Chain.TRON, sent.txid())).orElseThrow();
      assertThat(tx.blockNumber()).isEqualTo(block);
      assertThat(tx.blockTime()).isEqualTo(
          Instant.ofEpochMilli(tron.block(block).orElseThrow().header().getRawData().getTimestamp()));
      assertThat(tx.tokenTransfers()).singleElement().satisfies(t -> {
        assertThat(t.to()).isEqualTo(wallet.value());
        assertThat(t.amount()).isEqualByComparingTo(new BigDecimal("7.000001"));
        assertThat(t.logIndex()).isZero();
      });
      assertThat(get(lookup.find(Chain.TRON, randomHex()))).isEqualTo(Optional.empty());
    }
  }

  @Test
  void aChainThatCannotBeReachedOrIsNotEnabledIsUnavailableWithRetryAfter() {
    try (ChainTransactionLookup lookup = lookup("http://127.0.0.1:1")) {
      assertThatThrownBy(() -> get(lookup.find(Chain.ETHEREUM, "0x" + randomHex())))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ChainUnavailableException.class, e ->
              assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
      assertThatThrownBy(() -> get(lookup.find(Chain.BSC, "0x" + randomHex())))
          .cause().isInstanceOf(ChainUnavailableException.class);
    }
  }

  private static String randomHex() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
