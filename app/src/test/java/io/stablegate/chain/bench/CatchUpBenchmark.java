package io.stablegate.chain.bench;

import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.EngineHarness;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;

/**
 * The EVM watcher's catch-up rate, for docs/performance-chain.md; not a test.
 *
 * <p>An anvil producing a block every 250 ms (Arbitrum's pace) with chain id 42161, configured as
 * ARBITRUM with its defaults (poll 250 ms, up to 1000 blocks a cycle, eth_getLogs ranges up to 1000
 * blocks, 40 confirmations). A backlog is built behind the head: {@code transfers} USDT transfers, each
 * paying one of as many invoices on {@code wallets} wallets, sent in batches of 100 that the interval
 * mining puts in blocks, with {@code anvil_mine} filling the rest of {@code blocks} blocks in between.
 * Then the watcher starts at the backlog's first block while the chain goes on at 4 blocks a second;
 * measured: the time until it has scanned the head it started behind (blocks/s, transfers/s), until every
 * invoice has its payment recorded, and the largest lag over the next {@code steadySeconds} seconds.
 *
 * <p>Arguments, {@code key=value}: {@code blocks} (2000), {@code transfers} (1000), {@code wallets} (100),
 * {@code steadySeconds} (20), {@code blockTime} (0.25).
 */
public final class CatchUpBenchmark {
  private static final Chain ARBITRUM = Chain.valueOf("ARBITRUM");
  private static final int BATCH = 100;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      opts.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int blocks = Integer.parseInt(opts.getOrDefault("blocks", "2000"));
    int transfers = Integer.parseInt(opts.getOrDefault("transfers", "1000"));
    int walletCount = Integer.parseInt(opts.getOrDefault("wallets", "100"));
    int steadySeconds = Integer.parseInt(opts.getOrDefault("steadySeconds", "20"));
    String blockTime = opts.getOrDefault("blockTime", "0.25");

    try (Anvil anvil = Anvil.start(42161, "--block-time", blockTime);
        EvmChain chain = new EvmChain(anvil.url(), 42161)) {
      String usdt = chain.deployToken(6);
      long start = chain.head() + 1;
      try (EngineHarness engine = new EngineHarness(ConfigFactory.parseString("""
          stablegate.chains.arbitrum {
            rpc-urls = "%s"
            usdt-contract = "%s"
            usdc-contract = none
            start-block = "%d"
          }
          """.formatted(anvil.url(), usdt, start)))) {
        List<String> wallets = new ArrayList<>();
        for (int i = 0; i < walletCount; i++) {
          String wallet = EvmChain.newWallet();
          wallets.add(wallet);
          engine.watch(wallet);
        }
        // Invoices in chunks of 50 at a time: the journal of a loaded shared machine refuses a burst.
        List<Invoice> invoices = new ArrayList<>();
        List<CompletionStage<Invoice>> creating = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
          if (creating.size() == 50) {
            for (CompletionStage<Invoice> c : creating) {
              invoices.add(EngineHarness.await(c));
            }
            creating.clear();
          }
          creating.add(engine.invoices().create(new io.stablegate.engine.payment.InvoiceService.NewInvoice(
              java.util.UUID.randomUUID(), new io.stablegate.engine.invoice.InvoiceTerms(java.util.UUID.randomUUID(),
                  ARBITRUM, wallets.get(i % walletCount), new BigDecimal(10 + i / walletCount), null, null, "{}",
                  java.time.Instant.now().plus(Duration.ofHours(2)), null, null, Token.USDT))));
        }
        for (CompletionStage<Invoice> c : creating) {
          invoices.add(EngineHarness.await(c));
        }

        // The backlog: transfers in batches, empty blocks mined in between.
        int batches = (transfers + BATCH - 1) / BATCH;
        int fill = Math.max(0, blocks / batches - 1);
        long building = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          List<String> to = new ArrayList<>();
          List<BigInteger> units = new ArrayList<>();
          for (int i = b * BATCH; i < Math.min(transfers, (b + 1) * BATCH); i++) {
            to.add(invoices.get(i).address());
            units.add(Amounts.toBaseUnits(invoices.get(i).payAmount(), 6));
          }
          List<String> hashes = chain.transfersPending(usdt, to, units);
          chain.receipt(hashes.get(hashes.size() - 1));
          if (fill > 0) {
            chain.mine(fill);
          }
        }
        long target = chain.head();
        System.out.printf("# backlog: blocks %d..%d (%d), %d transfers to %d wallets, built in %.1f s%n", start,
            target, target - start + 1, transfers, walletCount, (System.nanoTime() - building) / 1e9);

        long t0 = System.nanoTime();
        engine.startWatcher(engine.settings(ARBITRUM));
        while (engine.status(ARBITRUM).map(s -> s.scanned() < target).orElse(true)) {
          LockSupport.parkNanos(5_000_000);
        }
        double caughtUp = (System.nanoTime() - t0) / 1e9;
        for (Invoice invoice : invoices) {
          while (engine.invoice(invoice.id()).payments().isEmpty()) {
            LockSupport.parkNanos(5_000_000);
          }
        }
        double recorded = (System.nanoTime() - t0) / 1e9;
        long scannedBlocks = target - start + 1;

        long maxLag = 0;
        long steadyEnd = System.nanoTime() + steadySeconds * 1_000_000_000L;
        long headBefore = chain.head();
        while (System.nanoTime() < steadyEnd) {
          Optional<ChainStatus> s = engine.status(ARBITRUM);
          long lag = chain.head() - s.map(ChainStatus::scanned).orElse(0L);
          maxLag = Math.max(maxLag, lag);
          LockSupport.parkNanos(100_000_000);
        }
        long produced = chain.head() - headBefore;

        String result = String.format("""
            catch-up on anvil (chain id 42161 as ARBITRUM, a block every %s s, ARBITRUM's defaults)
            backlog: %d blocks, %d transfers to %d watched wallets
            scanned the backlog in %.2f s: %.0f blocks/s, %.0f transfers/s
            every payment recorded on its invoice after %.2f s: %.0f transfers/s end to end
            then %d s at the chain's pace (%d blocks produced): largest lag %d blocks
            """, blockTime, scannedBlocks, transfers, walletCount, caughtUp, scannedBlocks / caughtUp,
            transfers / caughtUp, recorded, transfers / recorded, steadySeconds, produced, maxLag);
        System.out.print(result);
        Files.writeString(Path.of("target", "catchup-benchmark.txt"), result);
      }
    }
    System.exit(0);
  }
}
