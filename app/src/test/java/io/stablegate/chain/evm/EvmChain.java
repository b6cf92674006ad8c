package io.stablegate.chain.evm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** Drives anvil from tests: deploys the test token, sends transfers, mines, snapshots and reverts. */
public final class EvmChain implements AutoCloseable {
  /** anvil's first well-known development key: public knowledge, worthless off a dev chain. */
  private static final Credentials PAYER =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  private final long chainId;
  private static final BigInteger GAS_PRICE = BigInteger.valueOf(5_000_000_000L);

  private final Web3j web3j;
  private final HttpService service;

  public EvmChain(String url) {
    this(url, 31337);
  }

  /** A chain whose node was started with {@code chainId} (transactions are signed for it). */
  public EvmChain(String url, long chainId) {
    this.chainId = chainId;
    this.service = new HttpService(url);
    this.web3j = Web3j.build(service);
  }

  public Web3j web3j() {
    return web3j;
  }

  /** Deploys TestUsdt with {@code decimals}; returns its address (lower case). */
  public String deployToken(int decimals) {
    try {
      Path compiled = Path.of("src/test/solidity/TestUsdt.bin");
      String bin = Files.readString(compiled).trim();
      String data = bin + TypeEncoder.encode(new Uint8(decimals));
      TransactionReceipt receipt = send(null, data, BigInteger.valueOf(3_000_000));
      String token = receipt.getContractAddress();
      mint(token, PAYER.getAddress(), BigInteger.TEN.pow(decimals + 9));
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TransactionReceipt mint(String token, String to, BigInteger units) {
    return send(token, FunctionEncoder.encode(new Function("mint",
        List.of(new Address(to), new Uint256(units)), List.of())), BigInteger.valueOf(200_000));
  }

  /** Sends {@code units} of {@code token} from the payer to {@code to}; anvil mines it at once. */
  public TransactionReceipt transfer(String token, String to, BigInteger units) {
    return send(token, transferData(to, units), BigInteger.valueOf(200_000));
  }

  /** Sends transfers without mining (automine must be off), with consecutive nonces. */
  public List<String> transfersPending(String token, List<String> recipients, List<BigInteger> units) {
    BigInteger nonce = nonce();
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i++) {
      hashes.add(sendRaw(nonce.add(BigInteger.valueOf(i)), token, transferData(recipients.get(i), units.get(i)),
          BigInteger.valueOf(200_000)));
    }
    return hashes;
  }

  /** The receipt, once anvil has mined the transaction (automine answers a moment after the send). */
  public TransactionReceipt receipt(String txHash) {
    return org.awaitility.Awaitility.await().atMost(io.stablegate.chain.EngineHarness.PATIENCE)
        .pollInterval(java.time.Duration.ofMillis(10))
        .until(() -> call(web3j.ethGetTransactionReceipt(txHash)).getTransactionReceipt(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  public long head() {
    return call(web3j.ethBlockNumber()).getBlockNumber().longValueExact();
  }

  public void mine(int blocks) {
    raw("anvil_mine", List.of(Numeric.encodeQuantity(BigInteger.valueOf(blocks))));
  }

  public void automine(boolean on) {
    raw("evm_setAutomine", List.of(on));
  }

  public String snapshot() {
    return (String) raw("evm_snapshot", List.of());
  }

  public void revert(String snapshot) {
    raw("evm_revert", List.of(snapshot));
  }

  public String blockHash(long number) {
    return call(web3j.ethGetBlockByNumber(
        org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false))
        .getBlock().getHash();
  }

  /** A fresh address nobody holds a key to: a wallet a test watches. */
  public static String newWallet() {
    byte[] bytes = new byte[20];
    new java.security.SecureRandom().nextBytes(bytes);
    return Keys.toChecksumAddress(Numeric.toHexString(bytes));
  }


  private Object raw(String method, List<?> params) {
    Response<?> response = call(new Request<>(method, params, service, RawResponse.class));
    return response.getResult();
  }

  /** Any JSON result. */
  public static final class RawResponse extends Response<Object> {}

  private static String transferData(String to, BigInteger units) {
    return FunctionEncoder.encode(new Function("transfer", List.of(new Address(to), new Uint256(units)), List.of()));
  }

  private BigInteger nonce() {
    return call(web3j.ethGetTransactionCount(PAYER.getAddress(), DefaultBlockParameterName.PENDING))
        .getTransactionCount();
  }

  private TransactionReceipt send(String to, String data, BigInteger gas) {
    String hash = sendRaw(nonce(), to, data, gas);
    return receipt(hash);
  }

  private String sendRaw(BigInteger nonce, String to, String data, BigInteger gas) {
    RawTransaction tx = to == null
        ? RawTransaction.createContractTransaction(nonce, GAS_PRICE, gas, BigInteger.ZERO, data)
        : RawTransaction.createTransaction(nonce, GAS_PRICE, gas, to, data);
    byte[] signed = TransactionEncoder.signMessage(tx, chainId, PAYER);
    return call(web3j.ethSendRawTransaction(Numeric.toHexString(signed))).getTransactionHash();
  }

  private static <R extends Response<?>> R call(Request<?, R> request) {
    try {
      R response = request.send();
      if (response.hasError()) {
        throw new IllegalStateException(request.getMethod() + ": " + response.getError().getMessage());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
