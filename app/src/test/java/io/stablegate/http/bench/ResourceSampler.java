package io.stablegate.http.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU and memory of one benchmark phase, from {@code /proc} (Linux): this JVM (server and load
 * generator together), the PostgreSQL server (postmaster and every backend), and optionally one more
 * process (pgbench). CPU is reported in cores (CPU seconds per wall second); memory as the peak RSS of
 * the JVM and the peak PSS of PostgreSQL (PSS, because its backends share the buffer cache and a sum of
 * RSS would count it once per backend).
 */
final class ResourceSampler {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** What one phase used. */
  record Usage(double jvmCores, double postgresCores, double otherCores, long jvmPeakRssMb, long postgresPeakPssMb) {
    String describe() {
      return String.format("cpu: jvm %.2f, postgres %.2f%s cores; peak: jvm rss %d MB, postgres pss %d MB",
          jvmCores, postgresCores, otherCores > 0 ? String.format(", pgbench %.2f", otherCores) : "",
          jvmPeakRssMb, postgresPeakPssMb);
    }
  }

  private final long postmasterPid;

  ResourceSampler(long postmasterPid) {
    this.postmasterPid = postmasterPid;
  }

  /** Starts measuring; {@link Phase#stop()} gives the usage since. */
  Phase start(ProcessHandle other) {
    return new Phase(other);
  }

  final class Phase {
    private final ProcessHandle other;
    private final long startNanos = System.nanoTime();
    private final long jvmCpuStart = jvmCpuNanos();
    private final long postgresTicksStart = postgresTicks();
    private final AtomicLong otherTicks = new AtomicLong();
    private final AtomicLong jvmPeakRss = new AtomicLong();
    private final AtomicLong postgresPeakPss = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "resource-sampler");
      t.setDaemon(true);
      return t;
    });

    private Phase(ProcessHandle other) {
      this.other = other;
      timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
      jvmPeakRss.accumulateAndGet(statusKb(ProcessHandle.current().pid(), "VmRSS:"), Math::max);
      long pss = 0;
      for (long pid : postgresPids()) {
        pss += smapsKb(pid, "Pss:");
      }
      postgresPeakPss.accumulateAndGet(pss, Math::max);
      if (other != null && other.isAlive()) {
        otherTicks.accumulateAndGet(cpuTicks(other.pid()), Math::max);
      }
    }

    Usage stop() {
      sample();
      timer.shutdownNow();
      double wall = (System.nanoTime() - startNanos) / 1e9;
      return new Usage(
          (jvmCpuNanos() - jvmCpuStart) / 1e9 / wall,
          (postgresTicks() - postgresTicksStart) / (double) TICKS_PER_SECOND / wall,
          otherTicks.get() / (double) TICKS_PER_SECOND / wall,
          jvmPeakRss.get() / 1024,
          postgresPeakPss.get() / 1024);
    }
  }

  private List<Long> postgresPids() {
    List<Long> pids = new ArrayList<>();
    pids.add(postmasterPid);
    ProcessHandle.of(postmasterPid).ifPresent(p -> p.children().forEach(c -> pids.add(c.pid())));
    return pids;
  }

  /**
   * CPU of the server's live processes plus what its exited backends left in the postmaster's
   * "children" counters (cutime, cstime), so that short-lived connections are counted too.
   */
  private long postgresTicks() {
    long ticks = cpuTicksWithChildren(postmasterPid);
    for (long pid : postgresPids()) {
      if (pid != postmasterPid) {
        ticks += cpuTicks(pid);
      }
    }
    return ticks;
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long cpuTicks(long pid) {
    String[] f = statFields(pid);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long cpuTicksWithChildren(long pid) {
    String[] f = statFields(pid);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** The fields of /proc/pid/stat after the command name (which may contain spaces): index 0 is "state". */
  private static String[] statFields(long pid) {
    try {
      String stat = String.join(" ", Files.readAllLines(Path.of("/proc", Long.toString(pid), "stat")));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null; // the process has exited
    }
  }

  private static long statusKb(long pid, String key) {
    return kbLine(Path.of("/proc", Long.toString(pid), "status"), key);
  }

  private static long smapsKb(long pid, String key) {
    return kbLine(Path.of("/proc", Long.toString(pid), "smaps_rollup"), key);
  }

  private static long kbLine(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process has exited
    }
    return 0;
  }
}
