package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.gateway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowCandidateTest {

  @TempDir Path dataDir;
  @TempDir Path work;

  @Test
  void installsTheDemosSecondReleaseAsACandidateThatShadowsEveryAnsweredRequest() throws Exception {
    // given a benchmark's gateway serving the demo model 1.0.0, and the update repository copied
    // out of the harness's own class path
    Path repository = ShadowCandidate.copyRepository(work.resolve("update-repository"));
    assertTrue(Files.isRegularFile(repository.resolve("metadata/root.json")));
    try (GatewayUnderTest gateway =
        GatewayUnderTest.start(
            GatewayUnderTest.Variant.LEDGER_OFF,
            ConfigLoader.parse(
                GatewayHost.yaml(dataDir, true, 32, GatewayUnderTest.Variant.LEDGER_OFF),
                "test"))) {

      // when 1.1.0 is installed through the admin API and devices send requests
      ShadowCandidate.install(
          gateway.adminPort(),
          io.vigil.gateway.access.LocalOperator.read(dataDir).orElseThrow(),
          repository);
      List<String> bodies = BenchModel.DEMO.requestBodies().subList(0, 20);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String body : bodies) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + gateway.port() + BenchModel.DEMO.inferPath()))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }

      // then the candidate, still in shadow, ran each of them, and none was dropped
      ShadowCandidate.Figures f =
          awaitRows(
              gateway.adminPort(),
              io.vigil.gateway.access.LocalOperator.read(dataDir).orElseThrow(),
              bodies.size());
      assertEquals("shadow", f.stage());
      assertEquals(bodies.size(), f.rows());
      assertEquals(0, f.droppedRequests());
    }
  }

  @Test
  void readsNothingForAGatewayWithoutThatCandidate() {
    assertEquals(
        Optional.empty(), ShadowCandidate.parse("g", new JsonObject().put("updates", List.of())));
  }

  @Test
  void readsTheShadowsRowsAndDroppedRequests() {
    JsonObject updates =
        new JsonObject(
            """
            {"updates": [{"id": "wdbc-malignancy@1.1.0", "model_id": "wdbc-malignancy",
              "version": "1.1.0", "stage": "awaiting-approval",
              "shadow": {"rows": 1200, "agreeing_rows": 1188, "dropped_requests": 37}}]}
            """);

    assertEquals(
        Optional.of(new ShadowCandidate.Figures("g", "awaiting-approval", 1200, 1188, 37)),
        ShadowCandidate.parse("g", updates));
  }

  @Test
  void countsTheRoundsFromTwoReadingsAndAllOfALaterCandidate() {
    ShadowCandidate.Figures before = new ShadowCandidate.Figures("g", "shadow", 100, 99, 5);
    ShadowCandidate.Figures after = new ShadowCandidate.Figures("g", "shadow", 1_100, 1_090, 105);

    assertEquals(new ShadowCandidate.Figures("g", "shadow", 1_000, 991, 100), after.since(before));
    assertEquals(100.0 / 1_100, after.since(before).droppedShare(), 1e-12);
    ShadowCandidate.Figures gone = new ShadowCandidate.Figures("g", "none", 0, 0, 0);
    assertEquals(gone, gone.since(before));
  }

  private static ShadowCandidate.Figures awaitRows(int adminPort, String token, long rows)
      throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      ShadowCandidate.Figures f = ShadowCandidate.read("g", adminPort, token).orElseThrow();
      if (f.rows() >= rows || System.nanoTime() > deadline) {
        return f;
      }
      Thread.sleep(50);
    }
  }
}
