package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.AdminRequests;
import io.vigil.gateway.AdminRequests.Answer;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.models.Slots;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /admin/v1/models/{model}/rollback} over a real socket, on a running gateway that
 * installed releases 1 and 2 of a model from a real TUF repository: the rollback is in force at
 * once, recorded in the ledger with who and why, and outlives a restart; a later approved release
 * takes over again; and each refusal names what was wrong.
 */
@ExtendWith(VertxExtension.class)
class RollbackApiTest {

  static final String MODEL = "test-model";

  @TempDir Path dataDir;
  @TempDir Path repoDir;
  private Repository repo;
  private Gateway gateway;
  private Bundle one;
  private Bundle two;

  @BeforeEach
  void aGatewayServingReleaseTwoWithReleaseOneInstalled() throws Exception {
    repo = TestGateways.repository(repoDir);
    one = TestBundles.clinicalBundle(MODEL, "1.0.1", 1);
    two = TestBundles.clinicalBundle(MODEL, "1.0.2", 2);
    // Release 1 active; release 2 its candidate, promoted by its shadow run on live traffic.
    approve(one);
    Gateway.installStopped(config(), request(true));
    approve(two);
    Gateway.installStopped(config(), request(false));
    gateway = Gateway.start(config());
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    TestGateways.shadowUntilDecided(gateway, MODEL);
    assertEquals(2, gateway.models().active(MODEL).manifest().release());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void rollsBackAtOnceKeepsItAcrossARestartAndANewerReleaseIsACandidate(
      Vertx vertx, VertxTestContext test) throws Exception {
    Answer done =
        rollback(
            vertx,
            new JsonObject()
                .put("reason", "sensitivity complaints from the ward since 1.0.2")
                .put("actor", "operator:alice"));
    assertEquals(200, done.status(), done.body());
    JsonObject answer = new JsonObject(done.body());
    assertEquals("1.0.2", answer.getJsonObject("from").getString("version"));
    assertEquals("1.0.1", answer.getJsonObject("to").getString("version"));
    assertEquals(one.sha256(), answer.getJsonObject("to").getString("bundle_sha256"));
    assertEquals("operator:alice", answer.getString("rolled_back_by"));
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    assertEquals("1.0.1", model(vertx).getString("version"), "the listing marks release 1 active");

    EventEntry event = ledger("model.rolled_back").get(0);
    assertEquals("operator:alice", event.actor());
    JsonObject details = new JsonObject(event.details());
    assertEquals("1.0.2", details.getString("from_version"));
    assertEquals("1.0.1", details.getString("to_version"));
    assertEquals(one.sha256(), details.getString("to_bundle_sha256"));
    assertEquals("sensitivity complaints from the ward since 1.0.2", details.getString("reason"));

    gateway.close();
    gateway = Gateway.start(config());
    assertEquals(
        1, gateway.models().active(MODEL).manifest().release(), "the rollback outlives a restart");
    assertEquals(2, gateway.models().version(MODEL, "1.0.2").manifest().release());

    Answer nothingEarlier = rollback(vertx, new JsonObject().put("reason", "again"));
    assertEquals(409, nothingEarlier.status(), nothingEarlier.body());
    assertTrue(
        nothingEarlier.body().contains("no release of test-model earlier than the active 1.0.1"),
        nothingEarlier.body());
    assertEquals(1, ledger("model.rolled_back").size(), "a refused rollback changes nothing");

    approve(TestBundles.clinicalBundle(MODEL, "1.0.3", 3));
    gateway.install(request(false));
    assertEquals(
        Optional.of("1.0.3"),
        gateway.models().candidate(MODEL).map(c -> c.manifest().version()),
        "a newer release is the candidate, in shadow beside 1.0.1");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    test.completeNow();
  }

  @Test
  void eachRefusalNamesWhatWasWrongAndChangesNothing(Vertx vertx, VertxTestContext test)
      throws Exception {
    Answer noReason = rollback(vertx, new JsonObject());
    assertEquals(400, noReason.status(), noReason.body());
    assertTrue(noReason.body().contains("\\\"reason\\\" is required"), noReason.body());

    Answer forward = rollback(vertx, new JsonObject().put("reason", "x").put("version", "1.0.2"));
    assertEquals(409, forward.status(), forward.body());
    assertTrue(
        forward.body().contains("a rollback goes to an earlier release: test-model 1.0.2"),
        forward.body());

    Answer unknownVersion =
        rollback(vertx, new JsonObject().put("reason", "x").put("version", "0.9.0"));
    assertEquals(404, unknownVersion.status(), unknownVersion.body());

    Answer unknownModel =
        send(vertx, "/admin/v1/models/no-such-model/rollback", new JsonObject().put("reason", "x"));
    assertEquals(404, unknownModel.status(), unknownModel.body());

    GatewayException wrongBundle =
        assertThrows(
            GatewayException.class,
            () ->
                gateway.rollback(
                    MODEL,
                    Optional.of("1.0.1"),
                    Optional.of("ab".repeat(32)),
                    "command:c-1",
                    "named another bundle"));
    assertEquals(GatewayException.Code.CONFLICT, wrongBundle.code());
    assertTrue(wrongBundle.getMessage().contains("not the " + "ab".repeat(32)));

    assertEquals(2, gateway.models().active(MODEL).manifest().release());
    assertTrue(ledger("model.rolled_back").isEmpty());
    test.completeNow();
  }

  @Test
  void aDamagedRecordOfTheSlotsStopsTheStartAndSaysHowToMendIt() throws Exception {
    gateway.close();
    gateway = null;
    Path file = dataDir.resolve("models").resolve(Slots.FILE);
    Files.writeString(file, "{\"models\": {\"test-model\": {\"active\": {\"release\": 1}}}}");
    GatewayException e = assertThrows(GatewayException.class, () -> Gateway.start(config()));
    assertEquals(GatewayException.Code.DATA_INVALID, e.code());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("delete it to serve the highest release"), e.getMessage());
    assertTrue(e.getMessage().contains("test-model.active needs"), e.getMessage());
  }

  private VigilConfig config() {
    return TestGateways.withoutDemo(TestGateways.config(dataDir));
  }

  private void approve(Bundle bundle) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
  }

  private InstallRequest request(boolean first) {
    try {
      return new InstallRequest(
          Installer.DEFAULT_REPOSITORY,
          DirectorySource.of(repoDir),
          first ? Optional.of(Files.readAllBytes(repo.firstRoot())) : Optional.empty(),
          "operator:test",
          Optional.empty());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
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

  /** The active version in {@code GET /admin/v1/models}. */
  private JsonObject model(Vertx vertx) throws Exception {
    Answer listed = AdminRequests.get(vertx, gateway, dataDir, "/admin/v1/models");
    return new JsonObject(listed.body())
        .getJsonArray("models").stream()
            .map(JsonObject.class::cast)
            .filter(m -> m.getBoolean("active"))
            .findFirst()
            .orElseThrow();
  }

  private Answer rollback(Vertx vertx, JsonObject body) throws Exception {
    return send(vertx, "/admin/v1/models/" + MODEL + "/rollback", body);
  }

  private Answer send(Vertx vertx, String path, JsonObject body) throws Exception {
    return AdminRequests.post(vertx, gateway, dataDir, path, body);
  }
}
