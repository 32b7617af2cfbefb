package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk under the ledger, on a real {@code vigil serve} process. */
class DiskFaultsTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir Path work;

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
      HttpResponse<String> metrics = get(g.adminPort(), "/metrics");

      assertEquals(200, ready.statusCode());
      assertTrue(ready.body().contains("\"warnings\""), ready.body());
      assertTrue(ready.body().contains("below audit.min-free-space (1.0 TiB)"), ready.body());
      assertTrue(metrics.body().contains("vigil_disk_low 1"), metrics.body());
      assertTrue(
          metrics.body().contains("vigil_disk_min_free_bytes 1099511627776"), metrics.body());
      assertTrue(
          metrics.body().contains("vigil_disk_free_bytes{path=\"" + data + "\"}"), metrics.body());
      assertTrue(metrics.body().contains("vigil_ready 1"), metrics.body());
      assertTrue(metrics.body().contains("vigil_ledger_healthy 1"), metrics.body());
      assertEquals(
          1,
          g.output().stream().filter(l -> l.contains("below audit.min-free-space")).count(),
          "warned once in the log: " + g.output());
      assertEquals(200, TestGateways.inferTestRowOfDemo(client, g.port()));
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
