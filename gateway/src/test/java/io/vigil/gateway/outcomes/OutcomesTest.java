package io.vigil.gateway.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.simulate.TestSplit;
import io.vigil.inference.TestBundles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes through a running gateway over real sockets: the demonstration model's predictions of
 * the held-out test split, their true labels posted back, honestly or with a share flipped, the
 * refusals each with its message, and the counts rebuilt from the ledger after a restart.
 */
class OutcomesTest {

  static final String MODEL = "wdbc-malignancy";

  @TempDir Path dataDir;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();
  private final TestSplit split = TestSplit.shipped();

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private VigilConfig config() {
    return TestGateways.config(dataDir);
  }

  @Test
  void outcomesThatMatchTheHeldOutEvidenceKeepTheModelNormal() throws Exception {
    // given the test split predicted three times over (339 predictions, 126 malignant)
    gateway = Gateway.start(config());
    List<String> ids = predictSplit(3, "honest");

    // when each one's true label comes back
    JsonObject answer = postOutcomes(ids, labels(3, 0, new Random(1)));

    // then all are accepted and the model stays normal, its live figures near its claim
    assertEquals(ids.size(), answer.getInteger("accepted"), answer.encode());
    JsonObject performance = awaitPerformance(ids.size());
    assertEquals("normal", model().getString("safety"));
    JsonObject window = performance.getJsonArray("groups").getJsonObject(0).getJsonObject("window");
    double sensitivity = window.getJsonObject("sensitivity").getDouble("value");
    assertTrue(sensitivity >= 0.85, "live sensitivity " + sensitivity);
    assertEquals("normal", performance.getString("verdict"));
  }

  @Test
  void flippedOutcomesAlertAfterTheMinimumAndWithinAHundredAndFiftyOutcomes() throws Exception {
    // given predictions whose returned labels are 30% flipped: live sensitivity near 0.5
    gateway = Gateway.start(config());
    List<String> ids = predictSplit(3, "flipped");
    List<String> labels = labels(3, 0.30, new Random(2));

    // when they come back one batch of ten at a time
    for (int from = 0; from < ids.size(); from += 10) {
      int to = Math.min(ids.size(), from + 10);
      postOutcomes(ids.subList(from, to), labels.subList(from, to));
    }
    awaitPerformance(ids.size());

    // then the model is alerted for its sensitivity, not before 30 positive outcomes, and within
    // 150 outcomes
    assertEquals("alert", model().getString("safety"));
    List<StoredEntry> entries = ledger();
    int outcomes = 0;
    int positives = 0;
    int alertedAt = -1;
    int positivesThen = -1;
    for (StoredEntry e : entries) {
      if (e.entry() instanceof EventEntry ev && ev.type().equals(Outcomes.EVENT)) {
        outcomes++;
        positives += new JsonObject(ev.details()).getBoolean("positive") ? 1 : 0;
      } else if (e.entry() instanceof EventEntry ev
          && ev.type().equals("safety.changed")
          && alertedAt < 0) {
        assertTrue(ev.details().contains("live sensitivity"), ev.details());
        alertedAt = outcomes;
        positivesThen = positives;
      }
    }
    System.out.printf(
        "alerted after %d outcomes (%d positive) of %d%n", alertedAt, positivesThen, outcomes);
    assertTrue(positivesThen >= 30, positivesThen + " positives");
    assertTrue(alertedAt > 0 && alertedAt <= 150, alertedAt + " outcomes");
  }

  @Test
  void refusesEachBadOutcomeWithItsMessageAndKeepsTheRestOfTheBatch() throws Exception {
    // given a prediction of the demo model and one of another model
    TestGateways.preinstall(dataDir, TestBundles.bundle("test-model", "1.0.0", 1));
    gateway = Gateway.start(config());
    List<String> ids = predictSplit(1, "r");
    infer("test-model", "other-1", testModelRow());

    // when a batch holds a good outcome and one of each refusal
    JsonObject answer =
        postOutcomes(
            List.of(ids.get(0), "no-such-id", ids.get(0), ids.get(1), "other-1"),
            List.of("malignant", "negative", "negative", "cancer", "negative"));

    // then
    JsonArray results = answer.getJsonArray("results");
    assertEquals(1, answer.getInteger("accepted"), answer.encode());
    assertEquals("accepted", results.getJsonObject(0).getString("status"));
    assertMessage(results, 1, "unknown id: no prediction with request id no-such-id");
    assertMessage(results, 2, "a second outcome for request id " + ids.get(0));
    assertMessage(results, 3, "outcome 'cancer' is not one of the model's labels: malignant or");
    assertMessage(results, 4, "request id other-1 was answered by model test-model, not " + MODEL);

    // and a body that is not a batch is refused whole
    HttpResponse<String> malformed = post("[{\"id\": 7}]");
    assertEquals(400, malformed.statusCode());
    assertTrue(
        malformed.body().contains("item 0: \\\"id\\\" must be a non-empty string"),
        malformed.body());
  }

  @Test
  void aRestartRebuildsTheCountsFromTheLedger() throws Exception {
    gateway = Gateway.start(config());
    List<String> ids = predictSplit(1, "restart");
    postOutcomes(ids, labels(1, 0, new Random(3)));
    JsonObject before = awaitPerformance(ids.size());

    gateway.close();
    gateway = Gateway.start(config());

    JsonObject after = awaitPerformance(ids.size());
    assertEquals(counts(before), counts(after));
    // and an outcome sent again after the restart is still a second one
    JsonObject again = postOutcomes(List.of(ids.get(0)), List.of("negative"));
    assertEquals(0, again.getInteger("accepted"));
  }

  // ---- helpers ----

  private static void assertMessage(JsonArray results, int i, String start) {
    JsonObject r = results.getJsonObject(i);
    assertEquals("refused", r.getString("status"), r.encode());
    assertTrue(r.getString("message").startsWith(start), r.getString("message"));
  }

  private static JsonObject counts(JsonObject performance) {
    return performance.getJsonArray("groups").getJsonObject(0).getJsonObject("since_activation");
  }

  /** Predicts every row of the test split {@code times} times; returns the request ids. */
  private List<String> predictSplit(int times, String prefix) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int t = 0; t < times; t++) {
      for (int r = 0; r < split.rows().size(); r++) {
        String id = prefix + "-" + t + "-" + r;
        double[] f = split.rows().get(r).features();
        String data =
            IntStream.range(0, f.length)
                .mapToObj(i -> Double.toString(f[i]))
                .collect(Collectors.joining(","));
        HttpResponse<String> answer =
            infer(
                MODEL,
                id,
                "{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 30], \"data\": ["
                    + data
                    + "]}");
        assertEquals(200, answer.statusCode(), answer.body());
        ids.add(id);
      }
    }
    return ids;
  }

  /** The true labels of {@link #predictSplit}'s rows, a share {@code flip} of them flipped. */
  private List<String> labels(int times, double flip, Random random) {
    List<String> labels = new ArrayList<>();
    for (int t = 0; t < times; t++) {
      for (TestSplit.Row row : split.rows()) {
        boolean malignant = row.malignant() ^ (random.nextDouble() < flip);
        labels.add(malignant ? "malignant" : Outcomes.NEGATIVE);
      }
    }
    return labels;
  }

  private static String testModelRow() {
    return "{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 1.5, -2]}";
  }

  private HttpResponse<String> infer(String model, String id, String input) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v2/models/" + model + "/infer"))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\": \"" + id + "\", \"inputs\": [" + input + "]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject postOutcomes(List<String> ids, List<String> labels) throws Exception {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < ids.size(); i++) {
      batch.add(new JsonObject().put("id", ids.get(i)).put("outcome", labels.get(i)));
    }
    HttpResponse<String> answer = post(batch.encode());
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/outcomes"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject model() throws Exception {
    HttpResponse<String> listed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/models"))
                .header("Authorization", TestGateways.bearer(dataDir))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, listed.statusCode(), listed.body());
    JsonArray models = new JsonObject(listed.body()).getJsonArray("models");
    for (int i = 0; i < models.size(); i++) {
      if (models.getJsonObject(i).getString("model_id").equals(MODEL)) {
        return models.getJsonObject(i);
      }
    }
    throw new AssertionError("no " + MODEL + " in " + listed.body());
  }

  /** The admin API's live performance once it counts {@code outcomes}. */
  private JsonObject awaitPerformance(int outcomes) throws Exception {
    JsonObject p = null;
    for (int i = 0; i < 200; i++) {
      p = model().getJsonObject("performance");
      if (counts(p).getLong("outcomes") == outcomes) {
        return p;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("performance never counted " + outcomes + ": " + p);
  }

  private List<StoredEntry> ledger() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size());
    }
  }
}
