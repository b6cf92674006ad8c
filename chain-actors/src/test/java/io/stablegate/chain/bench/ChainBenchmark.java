package io.stablegate.chain.bench;

import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.EngineHarness;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures for docs/performance-chain.md, not a test: (1) transfers matched per second through
 * {@code PaymentMatcher.observe} against 100,000 open invoices (in-memory journal); (2) on anvil,
 * the time from mining the block that makes a transfer final to the invoice reading PAID.
 * Run it as docs/performance-chain.md says; arguments: {@code [invoices] [payments]}.
 */
public final class ChainBenchmark {
  private static final Logger log = LoggerFactory.getLogger(ChainBenchmark.class);

  public static void main(String[] args) throws Exception {
    int invoices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int payments = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    // "unserialized": the in-memory journal keeps event objects as they are, to separate the cost of
    // Jackson serialization (which a real journal pays too) from the rest of the path.
    boolean serialize = args.length <= 2 || !args[2].equals("unserialized");
    if (invoices > 0) {
      matcherThroughput(invoices, serialize);
    }
    if (payments > 0) {
      finalityLatency(payments);
    }
    System.exit(0);
  }

  static void matcherThroughput(int count, boolean serialize) throws Exception {
    int wallets = Math.max(1, count / 100);
    try (EngineHarness engine = new EngineHarness(ConfigFactory.parseString("stablegate.ask-timeout = 60s\n"
        + "pekko.persistence.testkit.events.serialize = " + serialize + "\n"
        + "pekko.persistence.testkit.snapshots.serialize = " + serialize))) {
      List<String> addresses = new ArrayList<>();
      for (int w = 0; w < wallets; w++) {
        addresses.add(EvmChain.newWallet());
      }
      Invoice[] created = new Invoice[count];
      long start = System.nanoTime();
      // Distinct amounts per wallet, so each payAmount is its amount and allocation never searches.
      runWindowed(count, 500, i -> engine.createInvoiceAsync(Chain.ETHEREUM, addresses.get(i % wallets),
          BigDecimal.valueOf(10 + i / wallets)).thenAccept(inv -> created[i] = inv));
      double createSeconds = (System.nanoTime() - start) / 1e9;
      log.info("Created {} open invoices on {} wallets in {} s ({} /s)", count, wallets,
          String.format("%.1f", createSeconds), String.format("%.0f", count / createSeconds));

      AtomicInteger matched = new AtomicInteger();
      Instant now = Instant.now();
      start = System.nanoTime();
      long cpuStart = processCpuNanos();
      runWindowed(count, 2000, i -> {
        Invoice inv = created[i];
        Transfer t = new Transfer(Chain.ETHEREUM, "0x" + HexFormat.of().formatHex(longBytes(i)), 0,
            addresses.get((i + 1) % wallets), inv.address(), inv.payAmount(), 1000 + i / 50, "0xb", now);
        return engine.matcher().observe(t, 1).thenAccept((TransferRoute r) -> {
          if (inv.id().equals(r.invoiceId())) {
            matched.incrementAndGet();
          }
        });
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      // On a shared machine the wall-clock rate says more about the neighbours than about the code;
      // transfers per CPU-second is what one dedicated core would do.
      log.info("FIGURE matcher (journal serializes: {}): {} transfers observed in {} s = {} transfers/s; {} matched their invoice; "
              + "{} CPU-s used = {} transfers per CPU-second; load average {}",
          serialize, count, String.format("%.2f", seconds), String.format("%.0f", count / seconds), matched.get(),
          String.format("%.1f", cpuSeconds), String.format("%.0f", count / cpuSeconds),
          String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage()));
    }
  }

  static void finalityLatency(int payments) throws Exception {
    int confirmations = 3;
    int pollMillis = 100;
    try (Anvil anvil = Anvil.start(); EvmChain chain = new EvmChain(anvil.url())) {
      String token = chain.deployToken(6);
      try (EngineHarness engine = new EngineHarness(ConfigFactory.parseString("""
          stablegate.chains.ethereum {
            rpc-urls = "%s"
            chain-id = 31337
            usdt-contract = "%s"
            start-block = "%d"
            poll-interval-ms = %d
            confirmations = %d
          }
          """.formatted(anvil.url(), token, chain.head() + 1, pollMillis, confirmations)))) {
        String wallet = EvmChain.newWallet();
        engine.watch(wallet);
        engine.startWatcher(engine.settings(Chain.ETHEREUM));
        long[] latencies = new long[payments];
        for (int i = 0; i < payments; i++) {
          Invoice invoice = engine.createInvoice(Chain.ETHEREUM, wallet, "1");
          long block = chain.transfer(token, wallet, Amounts.toBaseUnits(invoice.payAmount(), 6))
              .getBlockNumber().longValueExact();
          chain.mine(confirmations - 2);
          engine.awaitScanned(Chain.ETHEREUM, block + confirmations - 2);
          long mined = System.nanoTime();
          chain.mine(1);
          while (engine.invoice(invoice.id()).status() != InvoiceStatus.PAID) {
            Thread.onSpinWait();
          }
          latencies[i] = System.nanoTime() - mined;
        }
        Arrays.sort(latencies);
        log.info("FIGURE finality latency over {} payments (poll interval {} ms, {} confirmations): "
                + "p50 {} ms, p99 {} ms, max {} ms", payments, pollMillis, confirmations,
            millis(latencies[payments / 2]), millis(latencies[(int) Math.ceil(payments * 0.99) - 1]),
            millis(latencies[payments - 1]));
      }
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String millis(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }

  private static byte[] longBytes(long value) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 8; i++) {
      bytes[31 - i] = (byte) (value >>> (8 * i));
    }
    return bytes;
  }

  /** Runs {@code count} asynchronous steps with at most {@code window} in flight; fails on the first error. */
  private static void runWindowed(int count, int window, IntFunction<CompletionStage<?>> step) throws Exception {
    Semaphore slots = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      slots.acquire();
      step.apply(i).whenComplete((ok, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        slots.release();
      });
    }
    slots.acquire(window);
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark step failed", failure.get());
    }
  }
}
