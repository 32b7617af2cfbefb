package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.audit.Checkpoint;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard reads besides models and updates, over a socket from a running gateway with
 * the demonstration model: traffic per model version, the ledger's status and its latest events.
 */
@ExtendWith(VertxExtension.class)
class DashboardApiTest {

  static final String MODEL = "wdbc-malignancy";

  /** One window of {@link TestGateways#SMALL_WINDOWS} and a few rows of the next. */
  static final int ROWS = 110;

  @TempDir Path dataDir;
  private Gateway gateway;
  private HttpClient client;

  @BeforeEach
  void aGatewayThatAnsweredAWindowOfRows(Vertx vertx) throws Exception {
    gateway =
        Gateway.start(
            TestGateways.withMonitoring(TestGateways.config(dataDir), TestGateways.SMALL_WINDOWS));
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (int i = 0; i < ROWS; i++) {
      assertEquals(200, TestGateways.inferTestRowOfDemo(http, gateway.port()));
    }
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void listsTheLatestEventsNewestFirstLeavingOutTheExcludedTypes(VertxTestContext test) {
    get("/admin/v1/events?limit=3")
        .compose(
            all -> {
              test.verify(
                  () -> {
                    JsonArray events = all.getJsonArray("events");
                    assertEquals(3, events.size(), all.encodePrettily());
                    long newest = events.getJsonObject(0).getLong("seq");
                    assertTrue(newest > events.getJsonObject(1).getLong("seq"));
                    assertTrue(
                        events.stream()
                            .map(e -> ((JsonObject) e).getString("type"))
                            .anyMatch("monitoring.window"::equals),
                        "the window closed among the last three: " + all.encodePrettily());
                  });
              return get("/admin/v1/events?limit=200&exclude=monitoring.window");
            })
        .onComplete(
            test.succeeding(
                some ->
                    test.verify(
                        () -> {
                          JsonArray events = some.getJsonArray("events");
                          assertFalse(events.isEmpty());
                          for (Object e : events) {
                            JsonObject event = (JsonObject) e;
                            assertFalse(
                                event.getString("type").equals("monitoring.window"),
                                event.encode());
                          }
                          JsonObject first = events.getJsonObject(events.size() - 1);
                          assertEquals("gateway.started", first.getString("type"));
                          assertEquals("system", first.getString("actor"));
                          test.completeNow();
                        })));
  }

  @Test
  void refusesAnEventLimitOutOfRangeNamingIt(VertxTestContext test) {
    request("/admin/v1/events?limit=201")
        .onComplete(
            test.succeeding(
                answer ->
                    test.verify(
                        () -> {
                          assertEquals(400, answer.status());
                          assertTrue(
                              answer.body().contains("limit must be from 1 to 200, got '201'"),
                              answer.body());
                          test.completeNow();
                        })));
  }

  @Test
  void tellsTheLedgersSizeCheckpointAndThatTheLinkIsOff(VertxTestContext test) throws Exception {
    Checkpoint signed =
        gateway.ledger().orElseThrow().checkpoint().get(10, TimeUnit.SECONDS).orElseThrow();
    get("/admin/v1/ledger")
        .onComplete(
            test.succeeding(
                ledger ->
                    test.verify(
                        () -> {
                          assertTrue(ledger.getBoolean("recording"));
                          assertTrue(ledger.getLong("entries") >= ROWS, "every answer is an entry");
                          assertTrue(ledger.getLong("database_bytes") > 0);
                          JsonObject checkpoint = ledger.getJsonObject("checkpoint");
                          assertTrue(checkpoint.getLong("size") >= signed.size(), ledger.encode());
                          assertEquals(64, checkpoint.getString("root_hash").length());
                          assertEquals(
                              "off", ledger.getJsonObject("manufacturer").getString("link"));
                          test.completeNow();
                        })));
  }

  @Test
  void samplesRequestsPerSecondAndLatencyOfEachModelVersion(Vertx vertx, VertxTestContext test) {
    // The first sample after start sees the requests: it is taken every 5 s.
    awaitSample(vertx, 0)
        .onComplete(
            test.succeeding(
                version ->
                    test.verify(
                        () -> {
                          assertEquals("1.0.0", version.getString("version"));
                          assertEquals(ROWS, version.getLong("requests_total"));
                          assertEquals(0, version.getLong("errors_total"));
                          assertTrue(version.getDouble("requests_per_second") > 0);
                          assertTrue(
                              version.getLong("latency_p99_micros")
                                      >= version.getLong("latency_p50_micros")
                                  && version.getLong("latency_p50_micros") > 0,
                              version.encode());
                          test.completeNow();
                        })));
  }

  /** The demonstration model's entry in the latest sample, once one has counted its requests. */
  private Future<JsonObject> awaitSample(Vertx vertx, int tries) {
    return get("/admin/v1/traffic")
        .compose(
            traffic -> {
              JsonArray samples = traffic.getJsonArray("samples");
              JsonArray versions =
                  samples.getJsonObject(samples.size() - 1).getJsonArray("versions");
              if (!versions.isEmpty()) {
                return Future.succeededFuture(versions.getJsonObject(0));
              }
              if (tries > 40) {
                return Future.failedFuture("no sample with requests after 10 s: " + traffic);
              }
              Promise<JsonObject> later = Promise.promise();
              vertx.setTimer(250, id -> awaitSample(vertx, tries + 1).onComplete(later));
              return later.future();
            });
  }

  record Answer(int status, String body) {}

  private Future<JsonObject> get(String path) {
    return request(path)
        .map(
            a -> {
              if (a.status() != 200) {
                throw new AssertionError(path + " answered " + a.status() + ": " + a.body());
              }
              return new JsonObject(a.body());
            });
  }

  private Future<Answer> request(String path) {
    return client
        .request(HttpMethod.GET, gateway.adminPort(), "127.0.0.1", path)
        .compose(req -> req.putHeader("Authorization", TestGateways.bearer(dataDir)).send())
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
  }
}
