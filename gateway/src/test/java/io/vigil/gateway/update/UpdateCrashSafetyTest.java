package io.vigil.gateway.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.VerifierKey;
import io.vigil.audit.VerifyReport;
import io.vigil.gateway.CrashPoints;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.access.LocalOperator;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.inference.store.ModelStore;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real {@code vigil serve} at each named step of an update ({@link CrashPoints}), several
 * times, and proves after each restart that exactly one complete, verified version of the model is
 * active and answers, that the update was either resumed or cleanly abandoned with a ledger event
 * that says which, and that the ledger verifies. {@code -Dvigil.crash-cycles=N} runs N cycles a
 * point (2 by default: 20 kills, about 2 minutes in CI; every crash point halts the process at the
 * same step each time, so a third cycle repeats the second); {@code -Dvigil.crash-points=a,b} only
 * those points.
 */
class UpdateCrashSafetyTest {

  private static final String MODEL = Releases.MODEL;
  private static final float BIAS = -0.1f;
  private static final List<String> POINTS =
      List.of(
          "download",
          "verify",
          "store",
          "stored",
          "load",
          "shadow",
          "promote",
          "promoted",
          "rollback",
          "rolled-back");
  private static final int CYCLES = Integer.getInteger("vigil.crash-cycles", 2);
  private static final String MONITORING_YAML =
      "monitoring:\n  window-rows: 100\n  min-window-rows: 50\n";

  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Random random = new Random(5);
  private Path repoDir;

  @Test
  void aKillAtEveryStepOfAnUpdateEndsWithOneHealthyVerifiedModelAndSaysWhatBecameOfTheUpdate()
      throws Exception {
    Path template = aDataDirServingReleaseOneWithReleaseTwoApproved();
    Map<String, int[]> table = new LinkedHashMap<>(); // cycles, healthy, resumed, abandoned
    long started = System.nanoTime();
    List<String> points =
        System.getProperty("vigil.crash-points", "").isEmpty()
            ? POINTS
            : List.of(System.getProperty("vigil.crash-points").split(","));
    for (String point : points) {
      int[] row = table.computeIfAbsent(point, k -> new int[4]);
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        Path cycleDir = Files.createDirectories(dir.resolve(point + "-" + cycle));
        Path dataDir = cycleDir.resolve("data");
        TestGateways.copyTree(template, dataDir);
        killAt(point, cycleDir, dataDir);
        String outcome = restartAndCheck(point, dataDir);
        row[0]++;
        row[1]++;
        row[outcome.equals("resumed") ? 2 : 3]++;
      }
    }
    System.out.printf(
        "update crash safety (%d s):%n%-12s %6s %8s %8s %9s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
        "point",
        "cycles",
        "healthy",
        "resumed",
        "abandoned");
    table.forEach(
        (p, r) ->
            System.out.printf("%-12s %6d %7d%% %8d %9d%n", p, r[0], r[1] * 100 / r[0], r[2], r[3]));
  }

  /** Runs the gateway with the crash point set, drives the update to it, and waits for the halt. */
  /** The local operator's token of the gateway process being killed (the admin port's). */
  private String adminToken;

  private void killAt(String point, Path cycleDir, Path dataDir) throws Exception {
    Path config = TestGateways.configFile(cycleDir, dataDir, "", MONITORING_YAML);
    try (GatewayProcess vigil =
        GatewayProcess.spawn(
            List.of(),
            Map.of(),
            List.of("-D" + CrashPoints.PROPERTY + "=" + point),
            cycleDir,
            "serve",
            "--config",
            config.toString())) {
      int port = CompletableFuture.supplyAsync(vigil::port).get(90, TimeUnit.SECONDS);
      int admin = CompletableFuture.supplyAsync(vigil::adminPort).get(10, TimeUnit.SECONDS);
      adminToken = LocalOperator.read(dataDir).orElseThrow();
      Optional<HttpResponse<String>> install =
          post(
              admin,
              "/admin/v1/updates/install",
              new JsonObject().put("directory", repoDir.toString()));
      if (install.isPresent()) {
        assertEquals(200, install.get().statusCode(), install.get().body());
        // Live traffic: the shadow run, its promotion, the probation.
        boolean promoted = false;
        for (int i = 0; i < 300 && vigil.alive(); i++) {
          Optional<HttpResponse<String>> answer = infer(port);
          if (answer.isEmpty()) {
            break;
          }
          promoted |= answer.get().body().contains("\"model_version\":\"1.0.2\"");
          if (promoted && point.startsWith("roll")) {
            post(
                admin,
                "/admin/v1/models/" + MODEL + "/rollback",
                new JsonObject().put("reason", "crash test"));
            break;
          }
        }
      }
      int status = vigil.waitFor(60);
      assertEquals(
          CrashPoints.STATUS, status, point + ": halted at its crash point; " + vigil.output());
    }
  }

  /** Starts the gateway on {@code dataDir} without a crash point and checks what it serves. */
  private String restartAndCheck(String point, Path dataDir) throws Exception {
    String outcome;
    try (Gateway gateway = Gateway.start(config(dataDir))) {
      LoadedModel active = gateway.models().active(MODEL);
      long release = active.manifest().release();
      HttpResponse<String> answer = infer(gateway.port()).orElseThrow();
      assertEquals(200, answer.statusCode(), point + ": " + answer.body());
      assertTrue(
          answer.body().contains("\"model_version\":\"" + active.manifest().version() + "\""),
          point + ": the active version answers: " + answer.body());
      assertEquals(
          active.bundle().sha256(),
          ModelStore.open(dataDir).read(active.bundle().sha256()).sha256(),
          point + ": the active version's stored bundle verifies");
      Optional<LoadedModel> candidate = gateway.models().candidate(MODEL);
      List<EventEntry> events = events(dataDir);
      if (candidate.isPresent()) {
        assertEquals(1, release, point);
        if (point.equals("promote")) {
          assertTrue(
              has(events, "update.promotion_abandoned"),
              point + ": the promotion that was not saved is recorded: " + types(events));
        }
        assertEquals(2, candidate.get().manifest().release(), point);
        assertTrue(
            has(events, "update.shadow_resumed")
                || events.stream()
                    .anyMatch(
                        e ->
                            e.type().equals("update.candidate")
                                && String.valueOf(e.details()).contains("before a restart")),
            point + ": a resumed candidate is recorded: " + types(events));
        outcome = "resumed";
      } else if (release == 2) {
        assertTrue(
            has(events, "update.probation_resumed"),
            point + ": a resumed probation is recorded: " + types(events));
        assertTrue(
            has(events, "update.promoted"),
            point + ": the promotion is recorded, with who and why: " + types(events));
        outcome = "resumed";
      } else {
        assertEquals(1, release, point);
        assertTrue(
            has(events, "update.abandoned") || has(events, "model.rolled_back"),
            point + ": an abandoned update is recorded: " + types(events));
        outcome = "abandoned";
        if (has(events, "update.abandoned")) {
          gateway.install(request());
          assertEquals(
              Optional.of(2L),
              gateway.models().candidate(MODEL).map(c -> c.manifest().release()),
              point + ": the next install completes");
        }
      }
      assertTrue(gateway.models().refused().isEmpty(), point + ": " + gateway.models().refused());
    }
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      VerifierKey key =
          VerifierKey.of(reader.origin(), IdentityKey.readPublicKey(dataDir.resolve(Ledgers.KEYS)));
      VerifyReport report = reader.verify(key);
      assertTrue(report.ok(), point + ": the ledger verifies: " + report);
    }
    return outcome;
  }

  private Path aDataDirServingReleaseOneWithReleaseTwoApproved() throws Exception {
    repoDir = dir.resolve("repository");
    Repository repo = TestGateways.repository(repoDir);
    approve(repo, Releases.release(1, BIAS));
    Path template = dir.resolve("template");
    try (Gateway gateway = Gateway.start(config(template))) {
      gateway.install(
          new InstallRequest(
              Installer.DEFAULT_REPOSITORY,
              DirectorySource.of(repoDir),
              Optional.of(Files.readAllBytes(repo.firstRoot())),
              "operator:test",
              Optional.empty()));
      assertEquals(1, gateway.models().active(MODEL).manifest().release());
    }
    approve(repo, Releases.release(2, BIAS));
    return template;
  }

  private static void approve(Repository repo, io.vigil.inference.bundle.Bundle bundle) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
  }

  private InstallRequest request() {
    return new InstallRequest(
        Installer.DEFAULT_REPOSITORY,
        DirectorySource.of(repoDir),
        Optional.empty(),
        "operator:test",
        Optional.empty());
  }

  private static VigilConfig config(Path dataDir) {
    return TestGateways.withMonitoring(
        TestGateways.withoutDemo(TestGateways.config(dataDir)), TestGateways.SMALL_WINDOWS);
  }

  /** An answer, or empty when the connection broke (the process halted). */
  private Optional<HttpResponse<String>> infer(int port) throws InterruptedException {
    return send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/models/" + MODEL + "/infer"))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(Releases.request(random, 10, 0)))
            .build());
  }

  private Optional<HttpResponse<String>> post(int port, String path, JsonObject body)
      throws InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + adminToken)
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build());
  }

  private Optional<HttpResponse<String>> send(HttpRequest request) throws InterruptedException {
    try {
      return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException brokenByTheHalt) {
      return Optional.empty();
    }
  }

  private static List<EventEntry> events(Path dataDir) {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<EventEntry> events = new ArrayList<>();
      for (StoredEntry s : reader.entries(0, reader.size())) {
        if (s.entry() instanceof EventEntry e && !e.type().equals("shadow.prediction")) {
          events.add(e);
        }
      }
      return events;
    }
  }

  private static boolean has(List<EventEntry> events, String type) {
    return events.stream().anyMatch(e -> e.type().equals(type));
  }

  private static List<String> types(List<EventEntry> events) {
    return events.stream().map(EventEntry::type).toList();
  }
}
