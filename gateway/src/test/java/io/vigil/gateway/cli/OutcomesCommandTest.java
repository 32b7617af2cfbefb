package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil outcomes import}: a laboratory's CSV file of outcomes, into the running gateway. */
class OutcomesCommandTest {

  @TempDir Path dataDir;
  @TempDir Path dir;

  @Test
  void importsACsvFileUnderTheLocalOperatorAndPrintsEachRefusal() throws Exception {
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      // given two predictions with known request ids
      for (String id : List.of("lab-1", "lab-2")) {
        HttpResponse<String> answer =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + gateway.port()
                                    + "/v2/models/wdbc-malignancy/infer"))
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                TestGateways.DEMO_ROW.replaceFirst(
                                    "\\{", "{\"id\": \"" + id + "\", ")))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
      }
      Path csv =
          Files.writeString(
              dir.resolve("pathology.csv"),
              "id,outcome\nlab-1,negative\nlab-9,malignant\nlab-2,malignant\n");

      // when the file is imported in batches of two
      StringWriter out = new StringWriter();
      int status =
          Vigil.run(
              new PrintWriter(out),
              new PrintWriter(new StringWriter()),
              "outcomes",
              "import",
              "--data-dir",
              dataDir.toString(),
              "--batch",
              "2",
              csv.toString());

      // then the unknown id is refused with its line, the others are recorded by the operator
      assertEquals(2, status, out.toString());
      assertTrue(out.toString().contains("refused  line 3, id lab-9: unknown id"), out.toString());
      assertTrue(out.toString().contains("2 outcomes accepted, 1 refused"), out.toString());
    }
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<EventEntry> outcomes =
          reader.byRef("outcome.recorded").stream().map(e -> (EventEntry) e.entry()).toList();
      assertEquals(2, outcomes.size());
      assertTrue(outcomes.get(0).actor().startsWith("operator:"), outcomes.get(0).actor());
      assertEquals("negative", new JsonObject(outcomes.get(0).details()).getString("outcome"));
    }
  }
}
