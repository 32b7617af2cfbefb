package io.vigil.gateway.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.TestBundles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every answer is in the ledger before it leaves; no record, no answer. */
class LedgerWiringTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY =
      "{\"id\": \"req-42\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [2, 3], \"data\": [1, 2, 3, 4, 5, 6]}]}";

  @TempDir Path dataDir;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void anAnswerNamesItsLedgerEntryWhichHoldsTheExactModelAndDevice() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    VigilConfig config = withDeviceHeader(TestGateways.config(dataDir), "X-Device-Id");
    try (Gateway gateway = Gateway.start(config)) {
      HttpResponse<String> r =
          post(gateway, "/v2/models/test-model/infer", BODY, "infusion-pump-7");

      assertEquals(200, r.statusCode(), r.body());
      JsonNode body = JSON.readTree(r.body());
      long seq = body.path("parameters").path("audit_seq").asLong(-1);
      assertTrue(seq >= 0, r.body());
      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        StoredEntry stored = reader.entries(seq, seq + 1).get(0);
        PredictionEntry p = (PredictionEntry) stored.entry();
        assertEquals("req-42", p.requestId());
        assertEquals("infusion-pump-7", p.deviceId());
        assertEquals("test-model", p.modelId());
        assertEquals("1.0.0", p.modelVersion());
        assertEquals(TestBundles.bundle().sha256(), p.bundleSha256());
        assertEquals(2, p.inputs().get(0).shape()[0]);
        assertEquals(PredictionEntry.digestOf(p.inputs()), p.inputDigest());
        float expected = TestBundles.expected(new float[] {4, 5, 6});
        assertEquals(expected, p.outputs().get(0).values()[1], 1e-6);
        assertEquals(
            body.path("outputs").get(0).path("data").get(1).floatValue(),
            p.outputs().get(0).values()[1]);
      }
    }
  }

  @Test
  void aDeviceWithoutTheHeaderIsRecordedAsAnonymous() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    try (Gateway gateway =
        Gateway.start(withDeviceHeader(TestGateways.config(dataDir), "X-Device-Id"))) {
      long seq =
          JSON.readTree(post(gateway, "/v2/models/test-model/infer", BODY, null).body())
              .path("parameters")
              .path("audit_seq")
              .asLong();

      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        assertEquals(
            "anonymous",
            ((PredictionEntry) reader.entries(seq, seq + 1).get(0).entry()).deviceId());
      }
    }
  }

  @Test
  void startConfigurationBundlesAndStopAreEvents() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    Gateway gateway = Gateway.start(TestGateways.config(dataDir));
    gateway.close();

    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<String> types =
          reader.entries(0, reader.size()).stream()
              .map(StoredEntry::entry)
              .filter(EventEntry.class::isInstance)
              .map(e -> ((EventEntry) e).type())
              .toList();
      assertEquals("gateway.started", types.get(0));
      assertEquals("config.loaded", types.get(1));
      assertTrue(types.contains("bundle.installed"), types.toString());
      assertTrue(types.contains("bundle.activated"), types.toString());
      assertEquals("gateway.stopped", types.get(types.size() - 1));
      assertTrue(
          reader.verify(gateway.ledger().orElseThrow().verifierKey()).ok(), "the ledger verifies");
    }
  }

  @Test
  void whenTheLedgerCannotWriteInferenceStopsWith503AndSaysWhy() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      assertEquals(200, post(gateway, "/v2/models/test-model/infer", BODY, null).statusCode());
      long before;
      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        before = reader.size();
      }

      HttpResponse<String> refused;
      HttpResponse<String> ready;
      // Another process holds the database's write lock past the ledger's busy timeout.
      try (Connection other =
              DriverManager.getConnection("jdbc:sqlite:" + Ledgers.database(dataDir));
          Statement s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        refused = post(gateway, "/v2/models/test-model/infer", BODY, null);
        ready =
            client.send(
                HttpRequest.newBuilder(uri(gateway, "/v2/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        s.execute("ROLLBACK");
      }
      HttpResponse<String> recovered = post(gateway, "/v2/models/test-model/infer", BODY, null);

      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("no answer without a record"), refused.body());
      assertTrue(refused.body().contains("locked"), refused.body());
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("the ledger cannot write"), ready.body());
      assertEquals(200, recovered.statusCode(), recovered.body());
      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        assertEquals(
            before + 2,
            reader.size(),
            "the refused prediction left no entry; the writer's ledger.recovered and the"
                + " prediction after it did");
        StoredEntry first = reader.entries(before, before + 1).get(0);
        assertEquals("ledger.recovered", ((EventEntry) first.entry()).type());
      }
    }
  }

  private static VigilConfig withDeviceHeader(VigilConfig c, String header) {
    return TestGateways.withTrustedProxyHeader(c, header);
  }

  private HttpResponse<String> post(Gateway gateway, String path, String body, String device)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(gateway, path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (device != null) {
      b.header("X-Device-Id", device);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(Gateway gateway, String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }
}
