package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.FaultTools;
import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil serve} as systemd runs it: a real gateway process and a notification socket. */
class ServeUnderSystemdTest {

  static final Pattern OIP = Pattern.compile("OIP v2 on http://[^:]+:(\\d+)/v2");
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void sendsReadyOnlyAfterThePortsAreBoundAndStoppingOnSigterm() throws Exception {
    String socket = work.resolve("notify.socket").toString();
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket);
        GatewayProcess g = serve(List.of(), Map.of(Notifier.NOTIFY_SOCKET, socket))) {
      String ready = new String(systemd.next(START), StandardCharsets.UTF_8);
      int port = port(ready);
      // At the moment READY=1 arrives, before anything else is awaited.
      assertEquals(200, get(port, "/v2/health/ready"), ready);
      assertTrue(ready.startsWith("READY=1\nSTATUS=ready: OIP v2 on http://"), ready);
      assertTrue(ready.contains("1 model version(s) loaded"), ready);

      g.terminate();

      assertEquals(
          "STOPPING=1\nSTATUS=stopping: draining requests in flight",
          systemd.await(s -> s.startsWith("STOPPING=1"), Duration.ofSeconds(10), "STOPPING=1"));
      assertEquals(143, g.waitFor(30), "a SIGTERM stop: 128 + 15");
    }
  }

  @Test
  void stopsFeedingTheWatchdogWhileTheLedgerCannotWriteAndFeedsItAgainOnceItCan() throws Exception {
    // libfiu makes fsync fail inside the gateway's JVM, as a dying disk does: the ledger's writer
    // fails for real, which is what the watchdog must see.
    FaultTools.require(Files.isExecutable(Path.of("/usr/bin/fiu-run")), "needs fiu-utils (Debian)");
    String socket = work.resolve("notify.socket").toString();
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket);
        GatewayProcess g =
            serve(
                List.of("fiu-run", "-x"),
                Map.of(Notifier.NOTIFY_SOCKET, socket, Watchdog.WATCHDOG_USEC, "200000"))) {
      int port = port(awaitReady(systemd, g));
      for (int i = 0; i < 3; i++) {
        systemd.await(s -> s.equals("WATCHDOG=1"), Duration.ofSeconds(2), "WATCHDOG=1");
      }
      assertEquals(200, TestGateways.inferTestRowOfDemo(http, port));

      fiu(g, "enable name=posix/io/sync/*");
      awaitStatus(port, 503);

      String status =
          systemd.await(
              s -> s.startsWith("STATUS=unhealthy"), Duration.ofSeconds(5), "the fault's status");
      assertTrue(status.contains("the ledger cannot write"), status);
      systemd.drain();
      Thread.sleep(1_000);
      List<String> during =
          systemd.drain().stream().map(d -> new String(d, StandardCharsets.UTF_8)).toList();
      assertFalse(during.stream().anyMatch(s -> s.contains("WATCHDOG=1")), during.toString());

      fiu(g, "disable name=posix/io/sync/*");

      String fed =
          systemd.await(
              s -> s.startsWith("WATCHDOG=1"),
              Duration.ofSeconds(30),
              "WATCHDOG=1 after the fault");
      assertTrue(fed.contains("STATUS=ready: OIP v2"), fed);
      g.terminate();
      assertEquals(143, g.waitFor(30), "a SIGTERM stop: 128 + 15");
    }
  }

  /** READY=1, or a failure that shows what the gateway printed instead. */
  private static String awaitReady(DatagramReceiver systemd, GatewayProcess g)
      throws InterruptedException {
    try {
      return systemd.await(s -> s.startsWith("READY=1"), START, "READY=1");
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "; the gateway is "
              + (g.alive() ? "running" : "gone")
              + " and printed:\n"
              + String.join("\n", g.output()),
          e);
    }
  }

  private GatewayProcess serve(List<String> wrapper, Map<String, String> env) throws Exception {
    Path data = work.resolve("data");
    return GatewayProcess.spawn(
        wrapper, env, List.of(), work, "serve", "--data-dir", data.toString(), "--port", "0");
  }

  static int port(String notification) {
    Matcher m = OIP.matcher(notification);
    assertTrue(m.find(), notification);
    return Integer.parseInt(m.group(1));
  }

  private int get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Sends requests until one is answered with {@code status}: the ledger's fault has been met. */
  private void awaitStatus(int port, int status) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      if (TestGateways.inferTestRowOfDemo(http, port) == status) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no answer " + status + " within 20 s");
  }

  private static void fiu(GatewayProcess g, String command) throws Exception {
    Process p =
        new ProcessBuilder("fiu-ctrl", "-c", command, Long.toString(g.pid()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "fiu-ctrl " + command + ": " + out);
  }
}
