package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.LogCapture;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.validation.RangePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that ONNX Runtime cannot run for some inputs that pass validation: the device gets a 500
 * that names the model and the reason, the ledger an event without the input, and everything else
 * keeps being served.
 */
class ModelFailureTest {

  private static final String FAILING = "/v2/models/fails-model/infer";
  private static final String HEALTHY = "/v2/models/test-model/infer";
  private static final Pattern ENTRY = Pattern.compile("; recorded as ledger entry (\\d+)$");
  // Values that stand for a patient's measurements: none of them may reach the event.
  private static final String TWO_ROWS = "[1.25, 2.5, 3.75, 4.125, 5.0625, 6.03125]";

  @TempDir Path dataDir;
  private final Bundle failing = TestBundles.failingBundle("fails-model");

  @Test
  void aRunTimeFailureIs500NamingTheModelAndTheReasonAndIsRecordedWithoutTheInput()
      throws Exception {
    // given a failing model beside a healthy one
    TestGateways.preinstall(dataDir, failing, TestBundles.bundle());
    try (LogCapture logs = LogCapture.start();
        Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      Http http = new Http(gateway.port());

      // when a request of two rows, which the manifest allows, reaches the failing model
      Http.Response r = http.post(FAILING, request("req-fail-1", "[2, 3]", TWO_ROWS));

      // then the device gets a 500 that names the model, its version and ONNX Runtime's reason
      assertEquals(500, r.status(), r.body());
      String prefix =
          "model fails-model 1.0.0 ("
              + failing.sha256().substring(0, 12)
              + ") failed to run: ONNX Runtime: ";
      assertTrue(r.error().startsWith(prefix), r.error());
      Matcher entry = ENTRY.matcher(r.error());
      assertTrue(entry.find(), r.error());
      String error = r.error().substring(0, entry.start());
      assertTrue(error.length() > prefix.length(), "the reason is given: " + error);

      // and the ledger holds the failure as an event, without any input value
      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        long seq = Long.parseLong(entry.group(1));
        EventEntry event = (EventEntry) reader.entries(seq, seq + 1).get(0).entry();
        assertEquals("inference.failed", event.type());
        JsonNode details = Http.JSON.readTree(event.details());
        assertEquals("fails-model", details.path("model_id").asText());
        assertEquals("1.0.0", details.path("version").asText());
        assertEquals(failing.sha256(), details.path("bundle_sha256").asText());
        assertEquals("req-fail-1", details.path("request_id").asText());
        assertEquals(OipVerticle.ANONYMOUS, details.path("device_id").asText());
        assertEquals(error, details.path("error").asText());
        for (String value : List.of("1.25", "2.5", "3.75", "4.125", "5.0625", "6.03125")) {
          assertFalse(event.details().contains(value), value + " in " + event.details());
        }
      }

      // and both models keep answering the inputs they can run
      Http.Response one = http.post(FAILING, request("req-2", "[1, 3]", "[1, 2, 3]"));
      assertEquals(200, one.status(), one.body());
      assertEquals(
          TestBundles.expected(new float[] {1, 2, 3}),
          one.json().path("outputs").get(0).path("data").get(0).floatValue(),
          1e-6);
      assertEquals(200, http.post(HEALTHY, request("req-3", "[2, 3]", TWO_ROWS)).status());

      // and the failure was logged on one formatted line, without a stack trace
      logs.assertFormattedWithoutStackTraces();
      assertEquals(
          1,
          logs.messages().stream().filter(m -> m.startsWith(prefix)).count(),
          logs.messages().toString());
    }
  }

  @Test
  void requestsMergedIntoARunWithAFailingOneGetTheirAnswers() throws Exception {
    // given the failing model behind a batcher that merges what arrives within 20 ms
    TestGateways.preinstall(dataDir, failing);
    try (LogCapture logs = LogCapture.start();
        Gateway gateway =
            Gateway.start(
                TestGateways.withInference(
                    TestGateways.config(dataDir),
                    16,
                    Duration.ofMillis(20),
                    1000,
                    1,
                    RangePolicy.REJECT,
                    256))) {
      Http http = new Http(gateway.port());

      // when one-row requests and two-row requests arrive together
      List<CompletableFuture<Http.Response>> oneRow = new ArrayList<>();
      List<CompletableFuture<Http.Response>> twoRows = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String body =
            i % 4 == 3
                ? request("two-" + i, "[2, 3]", TWO_ROWS)
                : request("one-" + i, "[1, 3]", "[" + i + ", 2, 3]");
        (i % 4 == 3 ? twoRows : oneRow)
            .add(CompletableFuture.supplyAsync(() -> http.post(FAILING, body)));
      }

      // then every one-row request gets its own answer and only the two-row ones fail
      for (int i = 0, k = 0; i < 12; i++) {
        if (i % 4 == 3) {
          continue;
        }
        Http.Response r = oneRow.get(k++).join();
        assertEquals(200, r.status(), r.body());
        assertEquals(
            TestBundles.expected(new float[] {i, 2, 3}),
            r.json().path("outputs").get(0).path("data").get(0).floatValue(),
            1e-6);
      }
      for (CompletableFuture<Http.Response> f : twoRows) {
        assertEquals(500, f.join().status(), f.join().body());
      }
      logs.assertFormattedWithoutStackTraces();
    }
  }

  private static String request(String id, String shape, String data) {
    return "{\"id\": \""
        + id
        + "\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": "
        + shape
        + ", \"data\": "
        + data
        + "}]}";
  }
}
