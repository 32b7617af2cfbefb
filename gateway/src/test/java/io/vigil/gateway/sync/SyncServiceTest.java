package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.MonitoringConfig;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.sync.command.Command;
import io.vigil.sync.command.CommandSigner;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.sync.testing.TcpProxy;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Updater;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway on a real MQTT broker (HiveMQ CE embedded): its retained status, its signed
 * summaries and safety events, the manufacturer's commands, and no summary lost across a cut link.
 */
class SyncServiceTest {

  static final String FLEET = OnBroker.FLEET;
  static final String MODEL = "wdbc-malignancy";
  static final String MALIGNANT = OnBroker.MALIGNANT;

  @TempDir Path dataDir;
  @TempDir Path brokerDir;
  @TempDir Path repoDir;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final SigningKey commandKey = SigningKey.generate();
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private EmbeddedBroker broker;
  private Gateway gateway;
  private MqttLink watcher;
  private Verifier verifier;
  private Repository repo;

  record Received(String topic, byte[] payload, boolean retained) {}

  @BeforeEach
  void brokerAndATrustedRootWithACommandKey() {
    broker = EmbeddedBroker.start(brokerDir);
    repo = TestGateways.repository(repoDir);
    repo.commandKeys(List.of(commandKey.publicKey()), 1);
    try {
      byte[] root =
          Files.readAllBytes(
              repo.dir().resolve("metadata").resolve(repo.root().version() + ".root.json"));
      Updater.initialize(dataDir.resolve("trust").resolve(SyncConfig.DEFAULT_REPOSITORY), root);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (watcher != null) {
      watcher.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldPublishStatusSummariesSafetyEventsAndObeyOnlySignedCommands() throws Exception {
    gateway = Gateway.start(config(broker.tcpUri()));
    String gw = gateway.sync().orElseThrow().topics().gateway();
    // Subscribed after the gateway's status was published, the watcher gets it as retained.
    gateway
        .sync()
        .orElseThrow()
        .connected()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    watch(gw);

    Received status = await(r -> r.topic().endsWith("/" + gw + "/status"), 1);
    assertEquals("online", new String(status.payload(), StandardCharsets.US_ASCII));
    assertTrue(status.retained(), "the status is retained");

    long seq =
        gateway.sync().orElseThrow().summaryNow().toCompletionStage().toCompletableFuture().get();
    Verifier.Received summary = verified(await(r -> r.topic().endsWith("/summary"), 1));
    assertEquals(seq, summary.seq());
    assertEquals(Kind.SUMMARY, summary.kind());
    assertTrue(new String(summary.body(), StandardCharsets.UTF_8).contains(MODEL));

    for (int i = 0; i < 100; i++) {
      infer(MALIGNANT);
    }
    Verifier.Received event = verified(await(r -> r.topic().endsWith("/events"), 1));
    String body = new String(event.body(), StandardCharsets.UTF_8);
    assertTrue(body.contains("\"kind\":\"suspended\""), body);

    byte[] signed =
        CommandSigner.create(List.of(commandKey))
            .sign(
                Command.create(
                    FLEET,
                    gw,
                    Command.Name.SUMMARY_NOW,
                    Map.of(),
                    1,
                    Instant.now(),
                    Duration.ofMinutes(5)));
    publish(gw, signed);
    await(r -> r.topic().endsWith("/summary"), 2);

    publish(gw, unsigned());
    awaitLedger(e -> e.type().equals("command.refused") && e.details().contains("UNSIGNED"));
    assertTrue(ledger().stream().anyMatch(e -> e.type().equals("command.executed")));
    Verifier.Received refusal =
        verified(
            await(
                r ->
                    r.topic().endsWith("/events")
                        && verifiedBody(r).contains("\"kind\":\"command_refused\""),
                1));
    assertEquals(Kind.EVENT, refusal.kind());
    String refused = new String(refusal.body(), StandardCharsets.UTF_8);
    assertTrue(refused.contains("\"code\":\"unsigned\""), refused);
    assertTrue(refused.contains("\"command\":\"unverified\""), refused);
    assertTrue(!refused.contains("\"model\""), refused);
  }

  @Test
  void theManufacturersSignedSuspendStopsTheModelUntilItsResume() throws Exception {
    gateway = Gateway.start(config(broker.tcpUri()));
    String gw = gateway.sync().orElseThrow().topics().gateway();
    watch(gw);
    await(r -> r.topic().endsWith("/" + gw + "/status"), 1);
    assertEquals(200, infer(MALIGNANT).statusCode());

    publish(gw, command(gw, Command.Name.SUSPEND, Map.of("model", MODEL), 1));
    Verifier.Received event = verified(await(r -> r.topic().endsWith("/events"), 1));
    String body = new String(event.body(), StandardCharsets.UTF_8);
    assertTrue(body.contains("\"kind\":\"suspended\""), body);
    assertTrue(body.contains("\"reason\":\"command.suspend\""), body);
    assertEquals(503, infer(MALIGNANT).statusCode());

    publish(
        gw,
        command(
            gw,
            Command.Name.ROLLBACK,
            Map.of("model", MODEL, "version", "0.9.0", "sha256", "ab".repeat(32)),
            2));
    Verifier.Received failed =
        verified(
            await(
                r ->
                    r.topic().endsWith("/events")
                        && verifiedBody(r).contains("\"code\":\"failed\""),
                1));
    assertTrue(
        new String(failed.body(), StandardCharsets.UTF_8).contains("\"command\":\"rollback\""));

    publish(gw, command(gw, Command.Name.RESUME, Map.of("model", MODEL), 3));
    await(r -> r.topic().endsWith("/events") && verifiedBody(r).contains("\"resumed\""), 1);
    assertEquals(200, infer(MALIGNANT).statusCode());
    List<EventEntry> changes =
        ledger().stream().filter(e -> e.type().equals("safety.changed")).toList();
    assertEquals(2, changes.size(), changes.toString());
    assertTrue(changes.get(0).actor().startsWith("command:"), changes.get(0).actor());
    assertTrue(
        changes.get(0).details().contains("suspended by the manufacturer's command"),
        changes.get(0).details());
  }

  @Test
  void theManufacturersSignedRollbackGoesBackToTheBundleItNames() throws Exception {
    gateway = Gateway.start(config(broker.tcpUri()));
    Bundle one = TestBundles.clinicalBundle("test-model", "1.0.1", 1);
    Bundle two = TestBundles.clinicalBundle("test-model", "1.0.2", 2);
    for (Bundle b : List.of(one, two)) {
      repo.add(
          TargetCustom.targetPath(b.manifest()),
          b.bytes(),
          TargetCustom.of(b.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
      gateway.install(
          new InstallRequest(
              SyncConfig.DEFAULT_REPOSITORY,
              DirectorySource.of(repoDir),
              Optional.empty(),
              "operator:test",
              Optional.empty()));
    }
    // Release 2 is the candidate: live traffic in shadow promotes it.
    TestGateways.shadowUntilDecided(gateway, "test-model");
    assertEquals(2, gateway.models().active("test-model").manifest().release());
    String gw = gateway.sync().orElseThrow().topics().gateway();
    gateway
        .sync()
        .orElseThrow()
        .connected()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    watch(gw);

    // A command naming release 1 with another bundle's digest is refused, and changes nothing.
    publish(
        gw,
        command(
            gw,
            Command.Name.ROLLBACK,
            Map.of("model", "test-model", "version", "1.0.1", "sha256", two.sha256()),
            1));
    await(r -> r.topic().endsWith("/events") && verifiedBody(r).contains("\"code\":\"failed\""), 1);
    assertEquals(2, gateway.models().active("test-model").manifest().release());

    byte[] rollback =
        command(
            gw,
            Command.Name.ROLLBACK,
            Map.of("model", "test-model", "version", "1.0.1", "sha256", one.sha256()),
            2);
    publish(gw, rollback);
    String event =
        verifiedBody(
            await(
                r -> r.topic().endsWith("/events") && verifiedBody(r).contains("rolled_back"), 1));
    assertTrue(event.contains("\"reason\":\"command.rollback\""), event);
    assertTrue(event.contains("\"version\":\"1.0.2\""), "the event names the version left");
    assertEquals(1, gateway.models().active("test-model").manifest().release());
    // The summary sent after it says which version is active now.
    String summary =
        verifiedBody(
            await(
                r ->
                    r.topic().endsWith("/summary")
                        && verifiedBody(r)
                            .contains("\"active\":true,\"bundle_sha256\":\"" + one.sha256()),
                1));
    assertTrue(summary.contains("\"active\":false,\"bundle_sha256\":\"" + two.sha256()), summary);
    awaitLedger(
        e ->
            e.type().equals("model.rolled_back")
                && e.actor().startsWith("command:")
                && e.details().contains("\"to_version\":\"1.0.1\""));

    // The same signed command again is a replay: refused, release 1 stays.
    publish(gw, rollback);
    awaitLedger(e -> e.type().equals("command.refused") && e.details().contains("REPLAYED"));
    assertEquals(1, gateway.models().active("test-model").manifest().release());
  }

  @Test
  void everyStepOfAnUpdateIsReportedUpstream() throws Exception {
    gateway = Gateway.start(config(broker.tcpUri()));
    String gw = gateway.sync().orElseThrow().topics().gateway();
    gateway
        .sync()
        .orElseThrow()
        .connected()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    watch(gw);
    for (Bundle b :
        List.of(
            TestBundles.clinicalBundle("test-model", "1.0.1", 1),
            TestBundles.clinicalBundle("test-model", "1.0.2", 2))) {
      repo.add(
          TargetCustom.targetPath(b.manifest()),
          b.bytes(),
          TargetCustom.of(b.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
      gateway.install(
          new InstallRequest(
              SyncConfig.DEFAULT_REPOSITORY,
              DirectorySource.of(repoDir),
              Optional.empty(),
              "operator:test",
              Optional.empty()));
    }
    assertEquals(2, TestGateways.shadowUntilDecided(gateway, "test-model"));

    for (String kind : List.of("candidate", "shadow_passed", "promoted")) {
      String event =
          verifiedBody(
              await(
                  r ->
                      r.topic().endsWith("/events")
                          && verifiedBody(r).contains("\"kind\":\"" + kind + "\""),
                  1));
      assertTrue(event.contains("\"version\":\"1.0.2\""), event);
    }
  }

  private byte[] command(String gw, Command.Name name, Map<String, String> args, long counter) {
    return CommandSigner.create(List.of(commandKey))
        .sign(Command.create(FLEET, gw, name, args, counter, Instant.now(), Duration.ofMinutes(5)));
  }

  private String verifiedBody(Received r) {
    return new String(verified(r).body(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldLoseNoSummaryWhenTheLinkIsCut() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri()));
      String gw = gateway.sync().orElseThrow().topics().gateway();
      watch(gw);
      SyncService sync = gateway.sync().orElseThrow();
      List<Long> committed = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        if (i == 10) {
          proxy.cut();
        }
        if (i == 20) {
          proxy.restore();
        }
        committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
        Thread.sleep(150);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Set<Long> seen = new HashSet<>();
      int duplicates;
      while (true) {
        seen.clear();
        duplicates = 0;
        for (Received r : List.copyOf(received)) {
          if (r.topic().endsWith("/summary") && !seen.add(verified(r).seq())) {
            duplicates++;
          }
        }
        if (seen.containsAll(committed) || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(new HashSet<>(committed), seen, "duplicates: " + duplicates);
      System.out.println("summaries committed " + committed.size() + ", duplicates " + duplicates);
    }
  }

  @Test
  void theDashboardToldWhetherTheLastCheckpointReachedTheBroker() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri()));
      SyncService sync = gateway.sync().orElseThrow();
      sync.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(Optional.empty(), sync.lastCheckpoint(), "no summary yet");

      // given a checkpoint in a summary that the broker acknowledged
      infer(MALIGNANT);
      String first = checkpointNote();
      long seq = sync.summaryNow().toCompletionStage().toCompletableFuture().get();
      JsonObject delivered = awaitManufacturer(m -> m.getBoolean("acknowledged"));
      assertEquals("up", delivered.getString("link"));
      assertEquals(seq, delivered.getLong("summary_seq"));
      assertTrue(delivered.getBoolean("latest_checkpoint_sent"), delivered.encode());
      assertEquals(first, sync.lastCheckpoint().orElseThrow().note());

      // when the link is cut, a newer checkpoint's summary waits in the outbox
      proxy.cut();
      infer(MALIGNANT);
      String second = checkpointNote();
      long waiting = sync.summaryNow().toCompletionStage().toCompletableFuture().get();
      Thread.sleep(500);
      JsonObject unsent = awaitManufacturer(m -> m.getLong("summary_seq") == waiting);
      assertEquals(false, unsent.getBoolean("acknowledged"), unsent.encode());
      assertEquals(second, sync.lastCheckpoint().orElseThrow().note());

      // then, once the link is back, it is acknowledged
      proxy.restore();
      JsonObject resent = awaitManufacturer(m -> m.getBoolean("acknowledged"));
      assertEquals(waiting, resent.getLong("summary_seq"));
      assertTrue(resent.getBoolean("latest_checkpoint_sent"), resent.encode());
    }
  }

  /** Signs a checkpoint of the ledger as it stands and returns its note. */
  private String checkpointNote() throws Exception {
    return gateway
        .ledger()
        .orElseThrow()
        .checkpoint()
        .get(10, TimeUnit.SECONDS)
        .orElseThrow()
        .note();
  }

  /**
   * {@code GET /admin/v1/ledger}'s {@code manufacturer}, once {@code until} holds (20 s at most).
   */
  private JsonObject awaitManufacturer(Predicate<JsonObject> until) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/ledger"))
                  .header("Authorization", TestGateways.bearer(dataDir))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonObject m = new JsonObject(r.body()).getJsonObject("manufacturer");
      if (m.containsKey("summary_seq") && until.test(m)) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s; the last answer: " + r.body());
      }
      Thread.sleep(100);
    }
  }

  private VigilConfig config(String brokerUri) {
    return OnBroker.config(
        TestGateways.config(dataDir),
        brokerUri,
        FLEET,
        "gw-1",
        new MonitoringConfig(true, 100, 50, Duration.ofMinutes(15)),
        SyncConfig.defaults().outboxMaxBytes());
  }

  private void watch(String gw) throws Exception {
    verifier = Verifier.create(Map.of(gw, Ledgers.identity(config("")).publicKey()));
    watcher =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "watcher", "vigil/v1/watchers/w/status"));
    watcher
        .subscribe(
            "vigil/v1/" + FLEET + "/" + gw + "/#",
            m -> received.add(new Received(m.topic(), m.payload(), m.retained())))
        .toCompletionStage();
    watcher.start();
    watcher.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void publish(String gw, byte[] payload) throws Exception {
    watcher
        .publish("vigil/v1/" + FLEET + "/" + gw + "/commands", payload, false)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static byte[] unsigned() {
    String payload =
        Base64.getEncoder()
            .encodeToString("{\"command\":\"summary-now\"}".getBytes(StandardCharsets.UTF_8));
    return ("{\"payload\":\""
            + payload
            + "\",\"payloadType\":\""
            + Command.PAYLOAD_TYPE
            + "\",\"signatures\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Verifier.Received verified(Received r) {
    return verifier.verify(r.payload());
  }

  private Received await(Predicate<Received> p, int count) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      List<Received> matching = received.stream().filter(p).toList();
      if (matching.size() >= count) {
        return matching.get(count - 1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "not received within 30 s; received " + received.stream().map(Received::topic).toList());
  }

  private void awaitLedger(Predicate<EventEntry> p) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (ledger().stream().anyMatch(p)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no such ledger event: " + ledger().stream().map(EventEntry::type).toList());
  }

  private List<EventEntry> ledger() {
    gateway.ledger().orElseThrow().checkpoint().join();
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(e -> e instanceof EventEntry)
          .map(e -> (EventEntry) e)
          .toList();
    }
  }

  private HttpResponse<String> infer(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
