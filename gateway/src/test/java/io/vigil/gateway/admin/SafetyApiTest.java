package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy acting on real traffic through a running gateway: a doubled positive rate
 * suspends the demonstration model, devices get 503 until an administrator resumes it through the
 * admin API, the ledger holds both changes, and a suspension and an open window survive a restart;
 * an operator's suspension through the admin API does the same.
 */
@ExtendWith(VertxExtension.class)
class SafetyApiTest {

  /** The first malignant sample of WDBC: the model's answer is far above its threshold. */
  static final String MALIGNANT =
      "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 30], \"data\":"
          + " [17.99, 10.38, 122.8, 1001, 0.1184, 0.2776, 0.3001, 0.1471, 0.2419, 0.07871, 1.095,"
          + " 0.9053, 8.589, 153.4, 0.006399, 0.04904, 0.05373, 0.01587, 0.03003, 0.006193, 25.38,"
          + " 17.33, 184.6, 2019, 0.1622, 0.6656, 0.7119, 0.2654, 0.4601, 0.1189]}]}";

  static final String MODEL = "wdbc-malignancy";

  @TempDir Path dataDir;
  private Gateway gateway;
  private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private VigilConfig config() {
    return TestGateways.withMonitoring(TestGateways.config(dataDir), TestGateways.SMALL_WINDOWS);
  }

  @Test
  void aDoubledPositiveRateSuspendsUntilAnAdministratorResumes(Vertx vertx, VertxTestContext test)
      throws Exception {
    gateway = Gateway.start(config());
    for (int i = 0; i < 100; i++) {
      assertEquals(200, infer(MALIGNANT).statusCode());
    }
    awaitSuspended(true);

    HttpResponse<String> refused = infer(MALIGNANT);
    assertEquals(503, refused.statusCode());
    assertTrue(
        refused.body().contains("fall back to the standard clinical workflow"), refused.body());
    assertTrue(refused.body().contains("positive rate"), refused.body());

    admin(vertx, HttpMethod.GET, "/admin/v1/models", null)
        .compose(
            listed -> {
              test.verify(
                  () -> {
                    assertEquals(200, listed.status());
                    JsonObject model =
                        new JsonObject(listed.body()).getJsonArray("models").getJsonObject(0);
                    assertEquals("suspend", model.getString("safety"));
                    assertEquals(
                        "suspend",
                        model.getJsonArray("windows").getJsonObject(0).getString("level"));
                  });
              return admin(
                  vertx,
                  HttpMethod.POST,
                  "/admin/v1/models/" + MODEL + "/resume",
                  new JsonObject());
            })
        .compose(
            noReason -> {
              test.verify(() -> assertEquals(400, noReason.status(), noReason.body()));
              return admin(
                  vertx,
                  HttpMethod.POST,
                  "/admin/v1/models/" + MODEL + "/resume",
                  new JsonObject()
                      .put("reason", "checked with the ward: a run of oncology referrals")
                      .put("actor", "operator:alice"));
            })
        .onComplete(
            test.succeeding(
                resumed ->
                    test.verify(
                        () -> {
                          assertEquals(200, resumed.status(), resumed.body());
                          HttpResponse<String> answered = infer(MALIGNANT);
                          assertEquals(200, answered.statusCode(), answered.body());
                          assertTrue(
                              answered.body().contains("\"safety\":\"normal\""), answered.body());
                          List<String> changes = safetyChanges();
                          assertEquals(
                              List.of(
                                  "normal->suspend by system", "suspend->normal by operator:alice"),
                              changes);
                          test.completeNow();
                        })));
  }

  @Test
  void aSuspensionAndAnOpenWindowSurviveARestart() throws Exception {
    gateway = Gateway.start(config());
    for (int i = 0; i < 100; i++) {
      infer(MALIGNANT);
    }
    awaitSuspended(true);
    gateway.close();

    gateway = Gateway.start(config());

    assertEquals(503, infer(MALIGNANT).statusCode());
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics"))
                    .header("Authorization", TestGateways.bearer(dataDir))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(
        metrics.contains("vigil_safety_level{model=\"" + MODEL + "\",version=\"1.0.0\"} 3.0"),
        metrics);
    assertTrue(metrics.contains("vigil_drift_psi{feature=\"area_mean\""), metrics);
    gateway.resume(MODEL, java.util.Optional.empty(), "operator:bob", "reviewed");
    for (int i = 0; i < 40; i++) {
      assertEquals(200, infer(TestGateways.DEMO_ROW).statusCode());
    }
    gateway.monitoring().orElseThrow().drainNow();
    gateway.close();

    gateway = Gateway.start(config());
    assertEquals(40, gateway.models().active(MODEL).monitor().orElseThrow().openWindowRows());
    assertEquals("normal", gateway.models().active(MODEL).safety());
  }

  @Test
  void anOperatorSuspendsThroughTheAdminApiUntilResumedAndTheSuspensionSurvivesARestart()
      throws Exception {
    gateway = Gateway.start(config());
    assertEquals(200, infer(TestGateways.DEMO_ROW).statusCode());
    String suspend = "/admin/v1/models/" + MODEL + "/suspend";

    assertEquals(400, post(suspend, new JsonObject()).statusCode());
    HttpResponse<String> suspended =
        post(
            suspend,
            new JsonObject()
                .put("reason", "the ward reports implausible answers")
                .put("actor", "operator:alice"));
    assertEquals(200, suspended.statusCode(), suspended.body());
    assertEquals("suspend", new JsonObject(suspended.body()).getString("safety"));
    assertEquals("operator:alice", new JsonObject(suspended.body()).getString("suspended_by"));
    HttpResponse<String> refused = infer(TestGateways.DEMO_ROW);
    assertEquals(503, refused.statusCode());
    assertTrue(refused.body().contains("suspended by operator:alice"), refused.body());
    assertEquals(409, post(suspend, new JsonObject().put("reason", "again")).statusCode());
    gateway.close();

    gateway = Gateway.start(config());
    assertEquals(503, infer(TestGateways.DEMO_ROW).statusCode(), "suspended across a restart");
    HttpResponse<String> resumed =
        post(
            "/admin/v1/models/" + MODEL + "/resume",
            new JsonObject().put("reason", "answers checked").put("actor", "operator:alice"));
    assertEquals(200, resumed.statusCode(), resumed.body());
    assertEquals(200, infer(TestGateways.DEMO_ROW).statusCode());
    assertEquals(
        List.of("normal->suspend by operator:alice", "suspend->normal by operator:alice"),
        safetyChanges());
  }

  private HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path))
            .header("Authorization", TestGateways.bearer(dataDir))
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void awaitSuspended(boolean expected) throws InterruptedException {
    for (int i = 0; i < 250 && gateway.models().active(MODEL).suspended() != expected; i++) {
      Thread.sleep(20);
    }
    assertEquals(expected, gateway.models().active(MODEL).suspended());
  }

  private HttpResponse<String> infer(String body) {
    try {
      return http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<String> safetyChanges() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(e -> e instanceof EventEntry ev && ev.type().equals("safety.changed"))
          .map(
              e -> {
                JsonObject d = new JsonObject(((EventEntry) e).details());
                return d.getString("from")
                    + "->"
                    + d.getString("to")
                    + " by "
                    + ((EventEntry) e).actor();
              })
          .toList();
    }
  }

  private record Answer(int status, String body) {}

  private Future<Answer> admin(Vertx vertx, HttpMethod method, String path, JsonObject body) {
    HttpClient client = vertx.createHttpClient();
    return client
        .request(method, gateway.adminPort(), "127.0.0.1", path)
        .compose(
            req -> {
              req.putHeader("Authorization", TestGateways.bearer(dataDir));
              return body == null ? req.send() : req.send(Buffer.buffer(body.encode()));
            })
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
  }
}
