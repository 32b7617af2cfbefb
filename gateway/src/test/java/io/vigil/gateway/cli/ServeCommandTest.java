package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil serve} as a real process: start-up, SIGTERM. */
class ServeCommandTest {

  @TempDir Path dir;

  @Test
  void onSigtermRequestsInFlightFinishThenTheProcessStops() throws Exception {
    Path dataDir = dir.resolve("data");
    TestGateways.preinstall(dataDir, TestBundles.slowBundle());
    Path config = dir.resolve("vigil.yaml");
    Files.writeString(
        config,
        "data-dir: "
            + dataDir
            + "\ninstall-demo-bundle: false\nshutdown-grace: 30s\nserver:\n  port: 0\n"
            + "inference:\n  runners: 1\n  max-batch-size: 1\n  max-rows-per-request: 5000\n");
    StringBuilder data = new StringBuilder("[");
    for (int k = 0; k < 5000 * 3; k++) {
      data.append(k == 0 ? "" : ",").append(k % 5);
    }
    String body =
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [5000, 3], \"data\": "
            + data
            + "]}]}";
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    try (GatewayProcess vigil = GatewayProcess.start(dir, "serve", "--config", config.toString())) {
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      List<Long> answeredAt = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int i = 0; i < 8; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + vigil.port() + "/v2/models/slow-model/infer"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        inFlight.add(
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> answeredAt.add(System.nanoTime())));
      }
      Thread.sleep(1000);

      vigil.terminate();
      long terminatedAt = System.nanoTime();

      for (CompletableFuture<HttpResponse<String>> response : inFlight) {
        HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
      }
      long answeredAfterSigterm = answeredAt.stream().filter(t -> t > terminatedAt).count();
      assertTrue(
          answeredAfterSigterm >= 2,
          "requests were still in flight at SIGTERM: " + answeredAfterSigterm);
      int status = vigil.waitFor(60);
      assertEquals(143, status, "exit status after SIGTERM: " + vigil.output());
      assertTrue(
          vigil.output().stream()
              .anyMatch(l -> l.contains("stopped: requests drained, sessions closed")),
          vigil.output().toString());
    }
  }

  @Test
  void aBrokenConfigurationStopsStartUpWithExitStatus78AndNamesTheKey() throws Exception {
    Path config = dir.resolve("vigil.yaml");
    Files.writeString(config, "server:\n  prot: 8080\n");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream previous = System.err;
    int status;
    try {
      System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      status = io.vigil.gateway.cli.Vigil.run("serve", "--config", config.toString());
    } finally {
      System.setErr(previous);
    }

    assertEquals(78, status);
    String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(message.contains("unknown key 'server.prot'"), message);
  }
}
