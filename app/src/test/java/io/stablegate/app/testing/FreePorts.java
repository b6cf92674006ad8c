package io.stablegate.app.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for processes the tests start (which cannot be told "port 0" and report back).
 *
 * <p>Ports come from below the kernel's ephemeral range ({@code ip_local_port_range}): a port the
 * kernel handed out as "free" from that range can be handed out again, between now and the moment the
 * child process binds it, to any outgoing connection or port-0 listener (a node's database pool, its
 * cluster connections), and the child then fails to bind. Below the range only explicit binds compete,
 * and this JVM never gives the same port twice.
 */
public final class FreePorts {
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  public static synchronized int next() {
    int end = ephemeralRangeStart();
    int start = Math.max(1024, end - 12_000);
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(start, end);
      if (!GIVEN.contains(candidate) && bindable(candidate)) {
        GIVEN.add(candidate);
        return candidate;
      }
    }
    throw new IllegalStateException("no free port between " + start + " and " + end);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
  private static int ephemeralRangeStart() {
    try {
      // readAllLines, not readString: the JDK trusts the file size for readString, and /proc files report 0
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > 2_048 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
