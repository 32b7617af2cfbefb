package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.admin.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk under the ledger, on a real {@code vigil serve} process. */
class DiskFaultsTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir Path work;
  private Path mounted;

  @Test
  void aDiskBelowTheHeadroomWarnsInTheLogReadinessAndMetricsAndStillAnswers() throws Exception {
    // More headroom than any test disk has: the warning is on from the first check.
    Path config =
        Files.writeString(work.resolve("vigil.yaml"), "audit:\n  min-free-space: 1048576MiB\n");
    Path data = work.resolve("data");
    try (GatewayProcess g =
        GatewayProcess.start(
            work,
            "serve",
            "--config",
            config.toString(),
            "--data-dir",
            data.toString(),
            "--port",
            "0")) {
      HttpResponse<String> ready = get(g.port(), "/v2/health/ready");
      HttpResponse<String> metrics =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + "/metrics"))
                  .header(
                      "Authorization",
                      "Bearer " + io.vigil.gateway.access.LocalOperator.read(data).orElseThrow())
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(200, ready.statusCode());
      assertTrue(ready.body().contains("\"warnings\""), ready.body());
      assertTrue(ready.body().contains("below audit.min-free-space (1.0 TiB)"), ready.body());
      PrometheusText text = PrometheusText.parse(metrics.body());
      assertEquals(1, text.value("vigil_disk_low"), metrics.body());
      assertEquals(1099511627776.0, text.value("vigil_disk_min_free_bytes"), metrics.body());
      assertTrue(text.value("vigil_disk_free_bytes", "path", data.toString()) >= 0, metrics.body());
      assertEquals(1, text.value("vigil_ready"), metrics.body());
      assertEquals(1, text.value("vigil_ledger_healthy"), metrics.body());
      assertEquals(
          1,
          g.output().stream().filter(l -> l.contains("below audit.min-free-space")).count(),
          "warned once in the log: " + g.output());
      assertEquals(200, TestGateways.inferTestRowOfDemo(client, g.port()));
    }
  }

  @Test
  void aFullDiskAnswers503SaysSoAndRecoversByItselfWithNothingAcknowledgedLost() throws Exception {
    // A full disk needs a small filesystem: tmpfs, which only root may mount (CI runs as root).
    // CI runs as root; a developer without root has the audit module's disk-full test, which falls
    // back to SQLite's max_page_count.
    FaultTools.require(ROOT, "mounting a tmpfs to fill needs root");
    Path data = Files.createDirectory(work.resolve("data"));
    mount(data, "size=8m");
    Path filler = data.resolve("filler");
    try (GatewayProcess g = serve(List.of(), data)) {
      Recovery r;
      try (FaultLoad load = new FaultLoad(g.port())) {
        await(() -> load.acknowledged().size() >= 20, "20 predictions before the fault");
        fill(filler);
        await(() -> refused(load, "is full"), "a 503 that says the disk is full");
        HttpResponse<String> ready = get(g.port(), "/v2/health/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("the disk holding " + data), ready.body());
        r = recover(g, load, () -> Files.delete(filler));
      }
      report("disk full", r);
      stopAndCheck(g, data, r);
    }
  }

  @Test
  void anIoErrorOnFsyncAnswers503AndRecoversWithoutARestartWithNothingAcknowledgedLost()
      throws Exception {
    // libfiu (Debian's fiu-utils, installed by .ci/run) makes fsync and fdatasync fail inside the
    // gateway's JVM, as a dying disk does.
    // .ci/run installs it from Debian; only a machine without it (not CI) skips this test.
    FaultTools.require(Files.isExecutable(Path.of("/usr/bin/fiu-run")), "needs fiu-utils (Debian)");
    Path data = work.resolve("data");
    try (GatewayProcess g = serve(List.of("fiu-run", "-x"), data)) {
      Recovery r;
      try (FaultLoad load = new FaultLoad(g.port())) {
        await(() -> load.acknowledged().size() >= 20, "20 predictions before the fault");
        fiu(g, "enable name=posix/io/sync/*");
        await(() -> refused(load, "I/O error"), "a 503 that names the I/O error");
        assertEquals(503, get(g.port(), "/v2/health/ready").statusCode());
        r = recover(g, load, () -> fiu(g, "disable name=posix/io/sync/*"));
      }
      report("fsync I/O error", r);
      stopAndCheck(g, data, r);
    }
  }

  /** How long readiness and answers took to come back once the fault ended. */
  record Recovery(
      long readyMillis, long answerMillis, Set<String> acknowledged, List<String> refusals) {}

  private Recovery recover(GatewayProcess g, FaultLoad load, Action endFault) throws Exception {
    int before = load.acknowledged().size();
    long ended = System.nanoTime();
    endFault.run();
    await(() -> get(g.port(), "/v2/health/ready").statusCode() == 200, "readiness after the fault");
    long ready = (System.nanoTime() - ended) / 1_000_000;
    await(() -> load.acknowledged().size() > before, "an answer after the fault");
    long answer = (System.nanoTime() - ended) / 1_000_000;
    await(() -> load.acknowledged().size() > before + 20, "20 more answers");
    return new Recovery(ready, answer, load.acknowledged(), load.refusals());
  }

  private void stopAndCheck(GatewayProcess g, Path data, Recovery r) throws Exception {
    g.terminate();
    assertEquals(143, g.waitFor(60), "a clean stop after recovery");
    assertTrue(
        r.refusals().stream().allMatch(x -> x.startsWith("503 ")),
        "the device saw only 503 during the fault: " + r.refusals());
    GatewayProcess.Exited verify =
        GatewayProcess.run(work, 120, "audit", "verify", "--data-dir", data.toString());
    assertEquals(0, verify.status(), verify.output());
    GatewayProcess.Exited export =
        GatewayProcess.run(work, 120, "audit", "export", "--data-dir", data.toString());
    assertEquals(0, export.status());
    List<String> lost =
        r.acknowledged().stream()
            .filter(id -> !export.output().contains("\"request_id\":\"" + id + "\""))
            .toList();
    assertEquals(List.of(), lost, "acknowledged predictions missing from the ledger");
    assertTrue(export.output().contains("ledger.recovered"), "the recovery is a ledger event");
    assertFalse(
        g.output().stream().anyMatch(l -> l.contains("{0}") || l.startsWith("\tat ")),
        "log lines formatted, no stack traces: " + g.output());
  }

  private static boolean refused(FaultLoad load, String text) {
    return load.refusals().stream().anyMatch(r -> r.startsWith("503 ") && r.contains(text));
  }

  private static void report(String fault, Recovery r) {
    System.out.printf(
        "%s: ready again %d ms and answering %d ms after the fault ended; %d acknowledged, %d"
            + " refused with 503%n",
        fault, r.readyMillis(), r.answerMillis(), r.acknowledged().size(), r.refusals().size());
  }

  private GatewayProcess serve(List<String> wrapper, Path data) throws Exception {
    return GatewayProcess.startUnder(
        wrapper, work, "serve", "--data-dir", data.toString(), "--port", "0");
  }

  private static void fill(Path filler) {
    byte[] chunk = new byte[64 * 1024];
    new java.util.Random(1).nextBytes(chunk);
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (java.io.IOException e) {
      // No space left on device: what the test wants.
    }
  }

  private void fiu(GatewayProcess g, String command) throws Exception {
    Process p =
        new ProcessBuilder("fiu-ctrl", "-c", command, Long.toString(g.pid()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "fiu-ctrl " + command + ": " + out);
  }

  private void mount(Path dir, String options) throws Exception {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "mount: " + out);
    mounted = dir;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void await(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  interface Action {
    void run() throws Exception;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
