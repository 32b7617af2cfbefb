package io.vigil.gateway.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.cli.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evidence report's real-world performance: the outcomes returned in the period, counted. */
class EvidencePerformanceTest {

  @TempDir Path dir;

  @Test
  void reportsEachVersionsOutcomeCountsWithTheirIntervals() throws Exception {
    // given 12 predictions of one demo row (benign: below the threshold) and their outcomes,
    // 9 benign and 3 malignant
    Path dataDir = dir.resolve("data");
    HttpClient http = HttpClient.newHttpClient();
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      JsonArray outcomes = new JsonArray();
      for (int i = 0; i < 12; i++) {
        String id = "case-" + i;
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + gateway.port()
                                + "/v2/models/wdbc-malignancy/infer"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            TestGateways.DEMO_ROW.replaceFirst("\\{", "{\"id\": \"" + id + "\", ")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        outcomes.add(
            new JsonObject().put("id", id).put("outcome", i < 3 ? "malignant" : "negative"));
      }
      HttpResponse<String> recorded =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + gateway.port()
                              + "/v2/models/wdbc-malignancy/outcomes"))
                  .POST(HttpRequest.BodyPublishers.ofString(outcomes.encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(12, new JsonObject(recorded.body()).getInteger("accepted"), recorded.body());
    }

    // when the report is exported
    Path out = dir.resolve("report");
    Cli.Result r =
        Cli.run(
            "evidence",
            "export",
            "--data-dir",
            dataDir.toString(),
            "--model",
            "wdbc-malignancy",
            "--from",
            "2000-01-01",
            "--to",
            "2100-01-01T00:00:00Z",
            "--out",
            out.toString(),
            "--pdf",
            "off");

    // then the version's counts: the row is predicted benign, so 3 false negatives, 9 true ones
    assertEquals(0, r.status(), r.out() + r.err());
    JsonObject json = new JsonObject(Files.readString(out.resolve(EvidenceExport.JSON)));
    JsonObject p = json.getJsonArray("live_performance").getJsonObject(0);
    assertEquals("1.0.0", p.getString("version"));
    assertEquals(0, p.getLong("tp"));
    assertEquals(0, p.getLong("fp"));
    assertEquals(9, p.getLong("tn"));
    assertEquals(3, p.getLong("fn"));
    assertEquals(0.0, p.getJsonObject("sensitivity").getDouble("value"));
    assertEquals(0.0, p.getJsonObject("sensitivity").getDouble("ci_low"));
    String html = Files.readString(out.resolve(EvidenceExport.HTML));
    assertTrue(html.contains("<h2>Real-world performance (outcomes)</h2>"), html);
  }
}
