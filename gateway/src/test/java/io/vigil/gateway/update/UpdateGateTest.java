package io.vigil.gateway.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.AdminRequests;
import io.vigil.gateway.AdminRequests.Answer;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.models.Slots;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update gate in a running gateway, over real sockets, with real ONNX Runtime sessions, a real
 * TUF repository and a real ledger: a candidate runs in shadow and answers no device; the shadow
 * rule promotes an agreeing candidate and refuses a disagreeing one; a local-approval candidate
 * waits for the admin API; drift in probation rolls back at once; the slots survive a restart.
 */
@ExtendWith(VertxExtension.class)
class UpdateGateTest {

  static final String MODEL = Releases.MODEL;
  static final float BIAS = -0.1f;

  @TempDir Path dataDir;
  @TempDir Path repoDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Random random = new Random(11);
  private Repository repo;
  private Gateway gateway;
  private Bundle one;

  @BeforeEach
  void aGatewayServingReleaseOne() throws Exception {
    repo = TestGateways.repository(repoDir);
    one = Releases.release(1, BIAS);
    approve(one, TargetCustom.Rollout.AUTOMATIC);
    gateway = Gateway.start(config());
    gateway.install(request(Optional.of(Files.readAllBytes(repo.firstRoot()))));
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void anAgreeingCandidateRunsInShadowIsPromotedAndPassesItsProbation() throws Exception {
    Bundle two = Releases.release(2, BIAS);
    approve(two, TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));
    assertEquals(
        Optional.of(2L), gateway.models().candidate(MODEL).map(c -> c.manifest().release()));
    HttpResponse<String> named = infer("/versions/1.0.2", 1, 0);
    assertEquals(404, named.statusCode(), "a candidate answers no device: " + named.body());
    assertTrue(named.body().contains("candidate update under evaluation"), named.body());

    int requests = 0;
    while (gateway.models().candidate(MODEL).isPresent() && requests < 100) {
      HttpResponse<String> answer = infer("", 10, 0);
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(answer.body().contains("\"model_version\":\"1.0.1\""), answer.body());
      requests++;
      gateway.updates().drain();
    }
    assertEquals(2, gateway.models().active(MODEL).manifest().release(), "promoted");
    Slots.Model slots = gateway.models().slots(MODEL);
    assertEquals(1, slots.previous().orElseThrow().release());
    assertTrue(slots.probation().isPresent(), "in probation");
    assertEquals(requests, ledger("shadow.prediction").size(), "one shadow entry per request");
    EventEntry passed = ledger("update.shadow_passed").get(0);
    JsonObject evidence = new JsonObject(passed.details());
    assertEquals(evidence.getLong("rows"), evidence.getLong("agreeing_rows"));
    assertTrue(evidence.getLong("rows") >= 200, passed.details());
    assertEquals(1, ledger("update.promoted").size());
    System.out.printf("promoted after %d shadowed requests of 10 rows%n", requests);

    for (int i = 0; i < 100; i++) {
      assertTrue(infer("", 10, 0).body().contains("\"model_version\":\"1.0.2\""));
    }
    gateway.updates().drain();
    await(() -> !ledger("update.probation_passed").isEmpty(), "probation passed");
    assertTrue(gateway.models().slots(MODEL).probation().isEmpty());

    gateway.close();
    gateway = Gateway.start(config());
    assertEquals(2, gateway.models().active(MODEL).manifest().release(), "after a restart");
    assertTrue(gateway.models().candidate(MODEL).isEmpty());
  }

  @Test
  void aCandidateWithOneWrongGoldenVectorIsRefusedAtLoadAndTheActiveOneAnswers() throws Exception {
    approve(Releases.release(2, BIAS, "1.0.2", 0.01f), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));

    assertTrue(gateway.models().candidate(MODEL).isEmpty(), "no candidate");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    String refused = ledger("bundle.refused").get(0).details();
    assertTrue(refused.contains("golden"), refused);
    HttpResponse<String> answer = infer("", 1, 0);
    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"model_version\":\"1.0.1\""), answer.body());
  }

  @Test
  void aDisagreeingCandidateFailsItsShadowRunAndNeverComesBack() throws Exception {
    approve(Releases.release(2, 4.0f), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));
    assertTrue(gateway.models().candidate(MODEL).isPresent());

    for (int i = 0; i < 40 && gateway.models().candidate(MODEL).isPresent(); i++) {
      assertEquals(200, infer("", 10, 0).statusCode());
      gateway.updates().drain();
    }
    assertTrue(gateway.models().candidate(MODEL).isEmpty(), "refused");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    String why = new JsonObject(ledger("update.shadow_failed").get(0).details()).getString("why");
    assertTrue(why.contains("agreed with the active version's on"), why);

    gateway.close();
    gateway = Gateway.start(config());
    assertTrue(gateway.models().candidate(MODEL).isEmpty(), "a refused candidate stays refused");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
  }

  @Test
  void aLocalApprovalCandidateWaitsForTheAdminApi(Vertx vertx, VertxTestContext test)
      throws Exception {
    approve(Releases.release(2, BIAS), TargetCustom.Rollout.LOCAL_APPROVAL);
    gateway.install(request(Optional.empty()));

    Answer early =
        admin(vertx, "/admin/v1/updates/" + MODEL + "@1.0.2/approve", reason("looks fine"));
    assertEquals(409, early.status(), early.body());
    assertTrue(early.body().contains("has not met its shadow rule yet"), early.body());

    for (int i = 0; i < 60 && stage().equals("shadow"); i++) {
      infer("", 10, 0);
      gateway.updates().drain();
    }
    assertEquals("awaiting-approval", stage());
    JsonObject listed = new JsonObject(get(vertx, "/admin/v1/updates").body());
    JsonObject update = listed.getJsonArray("updates").getJsonObject(0);
    assertEquals(MODEL + "@1.0.2", update.getString("id"));
    assertEquals("local-approval", update.getString("promotion"));
    assertTrue(update.getJsonObject("shadow").getBoolean("passed"));
    assertEquals(1.0, update.getJsonObject("shadow").getDouble("agreement"));
    assertEquals(
        "PCCP-TEST-1", update.getJsonObject("evidence").getJsonObject("pccp").getString("id"));
    assertEquals(1, gateway.models().active(MODEL).manifest().release(), "not before approval");

    Answer noReason =
        admin(vertx, "/admin/v1/updates/" + MODEL + "@1.0.2/approve", new JsonObject());
    assertEquals(400, noReason.status());
    Answer unknown = admin(vertx, "/admin/v1/updates/" + MODEL + "@9.9.9/approve", reason("x"));
    assertEquals(404, unknown.status(), unknown.body());

    Answer approved =
        admin(
            vertx,
            "/admin/v1/updates/" + MODEL + "@1.0.2/approve",
            reason("shadow agreement 100% on our traffic").put("actor", "operator:alice"));
    assertEquals(200, approved.status(), approved.body());
    assertEquals("1.0.2", new JsonObject(approved.body()).getString("active_version"));
    EventEntry event = ledger("update.approved").get(0);
    assertEquals("operator:alice", event.actor());
    assertEquals(2, gateway.models().active(MODEL).manifest().release());
    test.completeNow();
  }

  @Test
  void aHeldCandidateIsNeverPromotedUnapproved(Vertx vertx, VertxTestContext test)
      throws Exception {
    approve(Releases.release(2, BIAS), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));
    Answer held =
        admin(
            vertx,
            "/admin/v1/updates/" + MODEL + "@1.0.2/hold",
            reason("wait for the ward's go-ahead"));
    assertEquals(200, held.status(), held.body());
    for (int i = 0; i < 60; i++) {
      infer("", 10, 0);
    }
    gateway.updates().drain();
    assertEquals("held", stage());
    assertFalse(ledger("update.shadow_passed").isEmpty());
    assertEquals(1, gateway.models().active(MODEL).manifest().release());

    gateway.close();
    gateway = Gateway.start(config());
    assertEquals("held", stage(), "the hold survives a restart");
    test.completeNow();
  }

  @Test
  void driftDuringProbationRollsBackAtOnce() throws Exception {
    approve(Releases.release(2, BIAS), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));
    for (int i = 0; i < 100 && gateway.models().candidate(MODEL).isPresent(); i++) {
      infer("", 10, 0);
      gateway.updates().drain();
    }
    assertEquals(2, gateway.models().active(MODEL).manifest().release(), "promoted");

    long shiftedAt = System.nanoTime();
    int sent = 0;
    while (gateway.models().active(MODEL).manifest().release() == 2 && sent < 100) {
      infer("", 10, 3.0);
      sent++;
    }
    await(() -> gateway.models().active(MODEL).manifest().release() == 1, "rolled back");
    System.out.printf(
        "rolled back after %d shifted requests of 10 rows, %.0f ms after the shift began%n",
        sent, (System.nanoTime() - shiftedAt) / 1e6);
    // In force once the slots are saved; its ledger event is committed right after.
    await(() -> !ledger("model.rolled_back").isEmpty(), "model.rolled_back in the ledger");
    EventEntry rolledBack = ledger("model.rolled_back").get(0);
    assertEquals(UpdateGate.SYSTEM, rolledBack.actor());
    assertTrue(rolledBack.details().contains("probation breach"), rolledBack.details());

    gateway.close();
    gateway = Gateway.start(config());
    assertEquals(1, gateway.models().active(MODEL).manifest().release(), "after a restart");
    assertTrue(gateway.models().candidate(MODEL).isEmpty(), "2 is retired, not a candidate");
  }

  @Test
  void outcomesBelowTheSensitivityFloorDuringProbationRollBack() throws Exception {
    // given release 2, which claims a sensitivity of 0.95 (floor 0.90), promoted and in probation
    approve(Releases.claimingSensitivity(2, BIAS), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(request(Optional.empty()));
    for (int i = 0; i < 100 && gateway.models().candidate(MODEL).isPresent(); i++) {
      infer("", 10, 0);
      gateway.updates().drain();
    }
    assertEquals(2, gateway.models().active(MODEL).manifest().release(), "promoted");

    // when 60 of its one-row predictions all turn out positive: about half were predicted so
    JsonArray outcomes = new JsonArray();
    for (int i = 0; i < 60; i++) {
      String id = "probation-" + i;
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Releases.request(random, 1, 0)
                              .replaceFirst("\\{", "{\"id\": \"" + id + "\", ")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      outcomes.add(new JsonObject().put("id", id).put("outcome", "positive"));
    }
    HttpResponse<String> recorded =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/outcomes"))
                .POST(HttpRequest.BodyPublishers.ofString(outcomes.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(60, new JsonObject(recorded.body()).getInteger("accepted"), recorded.body());

    // then the live sensitivity's breach is a probation breach: release 1 is back at once
    await(() -> gateway.models().active(MODEL).manifest().release() == 1, "rolled back");
    await(() -> !ledger("model.rolled_back").isEmpty(), "model.rolled_back in the ledger");
    EventEntry rolledBack = ledger("model.rolled_back").get(0);
    assertTrue(rolledBack.details().contains("probation breach"), rolledBack.details());
    assertTrue(rolledBack.details().contains("live sensitivity"), rolledBack.details());
  }

  private String stage() {
    return gateway.models().slots(MODEL).candidate().map(c -> c.stage().jsonName()).orElse("none");
  }

  private VigilConfig config() {
    return TestGateways.withMonitoring(
        TestGateways.withoutDemo(TestGateways.config(dataDir)), TestGateways.SMALL_WINDOWS);
  }

  private void approve(Bundle bundle, TargetCustom.Rollout rollout) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), rollout, List.of()).toJson());
  }

  private InstallRequest request(Optional<byte[]> root) {
    return new InstallRequest(
        Installer.DEFAULT_REPOSITORY,
        DirectorySource.of(repoDir),
        root,
        "operator:test",
        Optional.empty());
  }

  private HttpResponse<String> infer(String version, int rows, double offset) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + gateway.port()
                        + "/v2/models/"
                        + MODEL
                        + version
                        + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(Releases.request(random, rows, offset)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<EventEntry> ledger(String type) {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(e -> e instanceof EventEntry ev && ev.type().equals(type))
          .map(e -> (EventEntry) e)
          .toList();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static JsonObject reason(String why) {
    return new JsonObject().put("reason", why);
  }

  private Answer admin(Vertx vertx, String path, JsonObject body) throws Exception {
    return AdminRequests.post(vertx, gateway, dataDir, path, body);
  }

  private Answer get(Vertx vertx, String path) throws Exception {
    return AdminRequests.get(vertx, gateway, dataDir, path);
  }
}
