package io.vigil.gateway.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.VerifierKey;
import io.vigil.audit.VerifyReport;
import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import io.vigil.trust.IdentityKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real gateway with SIGKILL again and again under load, and proves after every kill that
 * each acknowledged prediction is in the ledger, SQLite's integrity check passes and the ledger
 * verifies.
 */
class CrashSafetyTest {

  private static final int KILLS = 20;
  private static final int CLIENTS = 4;
  private static final int MIN_ANSWERS_PER_ROUND = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void noAcknowledgedPredictionIsLostAcrossRepeatedKillMinus9() throws Exception {
    Path dataDir = dir.resolve("data");
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    Path config =
        TestGateways.configFile(
            dir, dataDir, "", "audit:\n  durability: full\n  checkpoint-every: 50\n");
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    AtomicLong attempted = new AtomicLong();
    SplittableRandom random = new SplittableRandom(7);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    for (int kill = 0; kill < KILLS; kill++) {
      GatewayProcess vigil = GatewayProcess.start(dir, "serve", "--config", config.toString());
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      int round = kill;
      for (int c = 0; c < CLIENTS; c++) {
        int clientId = c;
        clients.submit(
            () -> {
              for (int i = 0; running.get(); i++) {
                String id = "k" + round + "-c" + clientId + "-" + i;
                attempted.incrementAndGet();
                try {
                  HttpResponse<String> r =
                      client.send(
                          request(vigil.port(), id, i), HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == 200) {
                    JsonNode body = JSON.readTree(r.body());
                    acknowledged.put(id, body.path("parameters").path("audit_seq").asLong());
                  }
                } catch (Exception connectionBrokenByTheKill) {
                  // Not acknowledged: the device never got an answer, so nothing was promised.
                }
              }
              return null;
            });
      }
      // Kill under load: once this round has answered some requests, at a random moment after.
      int before = acknowledged.size();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acknowledged.size() < before + MIN_ANSWERS_PER_ROUND && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(
          acknowledged.size() >= before + MIN_ANSWERS_PER_ROUND,
          "round " + kill + " answered under load");
      Thread.sleep(random.nextInt(300));

      vigil.kill();
      vigil.waitFor(30);
      running.set(false);
      clients.shutdown();
      assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));

      assertEveryAcknowledgedPredictionIsInTheVerifiedLedger(dataDir, acknowledged, kill);
    }
    System.out.printf(
        "crash safety: %d kill -9 cycles, %d requests sent, %d acknowledged, 0 lost%n",
        KILLS, attempted.get(), acknowledged.size());
  }

  private static HttpRequest request(int port, String id, int i) {
    String body =
        "{\"id\": \""
            + id
            + "\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": ["
            + (i % 50)
            + ", 1.5, -3]}]}";
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v2/models/test-model/infer"))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void assertEveryAcknowledgedPredictionIsInTheVerifiedLedger(
      Path dataDir, Map<String, Long> acknowledged, int kill) throws Exception {
    Path db = Ledgers.database(dataDir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      assertEquals("ok", r.getString(1), "integrity after kill " + kill);
    }
    try (LedgerReader reader = LedgerReader.open(db)) {
      List<Map.Entry<String, Long>> missing = new ArrayList<>();
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        List<StoredEntry> at =
            ack.getValue() < reader.size()
                ? reader.entries(ack.getValue(), ack.getValue() + 1)
                : List.of();
        if (at.isEmpty()
            || !(at.get(0).entry() instanceof PredictionEntry p)
            || !p.requestId().equals(ack.getKey())) {
          missing.add(ack);
        }
      }
      assertEquals(List.of(), missing, "acknowledged predictions missing after kill " + kill);
      VerifierKey key =
          VerifierKey.of(reader.origin(), IdentityKey.readPublicKey(dataDir.resolve(Ledgers.KEYS)));
      VerifyReport report = reader.verify(key);
      assertTrue(report.ok(), "verify after kill " + kill + ": " + report);
    }
  }
}
