package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
import io.vigil.gateway.cli.Cli;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's update from end to end, as README's "An update end to end, on the demo" runs it: a
 * demonstration gateway serving 1.0.0 on a real broker (HiveMQ CE embedded); the update repository
 * copied out of the jar and published with {@code vigil repo publish}; 1.1.0 shadowed on the test
 * split that {@code vigil simulate} sends, approved through the admin API, promoted, then rolled
 * back by {@code vigil fleet command} signed with the demonstration command key that the update's
 * root version 2 names.
 */
@ExtendWith(VertxExtension.class)
class DemoUpdateEndToEndTest {

  static final String FLEET = "demo";
  static final String GATEWAY = "gw-demo";
  static final String MODEL = "wdbc-malignancy";
  static final String DEMO = "/io/vigil/demo/";
  static final String CLINICAL = "test-model";

  @TempDir Path dataDir;
  @TempDir Path brokerDir;
  @TempDir Path person;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ConcurrentLinkedQueue<String> upstream = new ConcurrentLinkedQueue<>();
  private EmbeddedBroker broker;
  private Gateway gateway;
  private MqttLink manufacturer;

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (manufacturer != null) {
      manufacturer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void anUpdatePublishedOverMqttIsShadowedApprovedThenRolledBackByASignedCommand(
      Vertx vertx, VertxTestContext test) throws Exception {
    // given a demonstration gateway on the fleet's broker, serving 1.0.0 from its first start,
    broker = EmbeddedBroker.start(brokerDir);
    VigilConfig config = config(broker.tcpUri());
    gateway = Gateway.start(config);
    assertEquals("1.0.0", answeringVersion());
    String certified = gateway.models().active(MODEL).bundle().sha256();
    listenUpstream(vertx, config);
    // and the update repository and the command key unzipped from the jar, as a person would,
    Path update = unzipUpdate();
    Path key = unzipCommandKey();

    // when the manufacturer publishes it to the fleet,
    long published = System.nanoTime();
    publish(update);

    // then 1.1.0 arrives over MQTT as the candidate, under root version 2, and 1.0.0 answers,
    await(() -> stage().equals("shadow"), 60, "1.1.0 a candidate in shadow");
    double toCandidate = seconds(published);
    assertEquals("1.1.0", candidate().getString("version"));
    assertEquals("1.0.0", answeringVersion());
    Root trusted =
        Metadata.root(Files.readAllBytes(dataDir.resolve("trust/demo/root.json"))).signed();
    assertEquals(2, trusted.version());
    assertEquals(1, trusted.commands().orElseThrow().threshold());

    // when live traffic of the test split runs through it in shadow,
    long shadowed = System.nanoTime();
    for (int i = 0; i < 10 && stage().equals("shadow"); i++) {
      Cli.Result simulate =
          Cli.run(
              "simulate",
              "--url",
              "http://127.0.0.1:" + gateway.port(),
              "--rate",
              "100",
              "--duration",
              "4s",
              "--report-every",
              "2s");
      assertEquals(0, simulate.status(), simulate.err());
      System.out.print("$ vigil simulate\n" + simulate.out());
      // The shadow thread may still be folding the last copies in.
      within(() -> !stage().equals("shadow"), 3);
    }
    await(() -> stage().equals("awaiting-approval"), 30, "1.1.0 awaiting approval");
    double toAwaiting = seconds(shadowed);
    JsonObject awaiting = candidate();
    JsonObject shadow = awaiting.getJsonObject("shadow").copy();
    shadow.remove("windows");
    System.out.println(
        "GET /admin/v1/updates: "
            + new JsonObject()
                .put("id", awaiting.getString("id"))
                .put("stage", awaiting.getString("stage"))
                .put("promotion", awaiting.getString("promotion"))
                .put("shadow", shadow)
                .encode());
    assertEquals("local-approval", awaiting.getString("promotion"));
    assertTrue(awaiting.getJsonObject("shadow").getBoolean("passed"), awaiting.encode());
    assertEquals("1.0.0", answeringVersion(), "not before its approval");

    // and a local operator approves it through the admin API,
    long approving = System.nanoTime();
    Answer approved =
        admin(
            vertx,
            HttpMethod.POST,
            "/admin/v1/updates/" + MODEL + "@1.1.0/approve",
            new JsonObject()
                .put("reason", "shadow agreement on our traffic")
                .put("actor", "operator:alice"));
    assertEquals(200, approved.status(), approved.body());
    System.out.println(
        "POST /admin/v1/updates/"
            + MODEL
            + "@1.1.0/approve: "
            + new JsonObject(approved.body()).encode());

    // then 1.1.0 is active and answers,
    assertEquals("1.1.0", activeVersion(vertx));
    assertEquals("1.1.0", answeringVersion());
    double toActive = seconds(approving);

    // when the manufacturer sends a rollback to 1.0.0, signed with the demonstration command key,
    long commanding = System.nanoTime();
    Cli.Result command = command(key, "rollback", MODEL, "1.0.0", certified);
    Matcher id = Pattern.compile("id ([0-9a-f-]{36}),").matcher(command.out());
    assertTrue(id.find(), command.out());

    // then 1.0.0 answers again, the ledger says who rolled it back, and so does the event upstream.
    await(() -> gateway.models().active(MODEL).manifest().version().equals("1.0.0"), 30, "1.0.0");
    double toRolledBack = seconds(commanding);
    assertEquals("1.0.0", answeringVersion());
    assertEquals("1.0.0", activeVersion(vertx));
    EventEntry rolledBack = ledger("model.rolled_back").get(0);
    assertEquals("command:" + id.group(1), rolledBack.actor());
    await(
        () -> upstream.stream().anyMatch(e -> e.contains("rolled_back")),
        30,
        "the rolled_back event upstream");
    String event =
        upstream.stream().filter(e -> e.contains("rolled_back")).findFirst().orElseThrow();
    // Upstream events carry codes only, no free text: the reason says a command did it.
    assertEquals("command.rollback", new JsonObject(event).getString("reason"), event);
    System.out.println("upstream event: " + event);
    System.out.printf(
        "demo update end to end: publish -> candidate %.2f s, shadow -> awaiting approval %.2f s,"
            + " approve -> active %.3f s, command -> rolled back %.2f s%n",
        toCandidate, toAwaiting, toActive, toRolledBack);
    test.completeNow();
  }

  @Test
  void aCommandSignedWithTheDemoKeyCannotTouchAModelThatIsNotADemonstration() throws Exception {
    // given a demonstration gateway on the fleet's broker that also serves a clinical model,
    broker = EmbeddedBroker.start(brokerDir);
    TestGateways.preinstall(dataDir, TestBundles.clinicalBundle(CLINICAL, "1.0.0", 1));
    gateway = Gateway.start(config(broker.tcpUri()));
    assertEquals(200, TestGateways.inferTestRow(http, gateway.port(), 1f));
    // and trusts the update's root, which names the public demonstration command key,
    publish(unzipUpdate());
    await(() -> stage().equals("shadow"), 60, "the update taken");

    // when someone signs a suspend of the clinical model with that key,
    command(unzipCommandKey(), "suspend", CLINICAL);

    // then it is refused and the clinical model answers on.
    await(() -> !ledger("command.refused").isEmpty(), 30, "command.refused");
    EventEntry refused = ledger("command.refused").get(0);
    assertEquals(
        "DEMO_ROOT", new JsonObject(refused.details()).getString("code"), refused.details());
    assertTrue(ledger("command.executed").isEmpty());
    assertEquals(200, TestGateways.inferTestRow(http, gateway.port(), 1f));
  }

  private void publish(Path repository) {
    Cli.Result publish =
        Cli.run(
            "repo",
            "publish",
            repository.toString(),
            "--broker",
            broker.tcpUri(),
            "--allow-plaintext",
            "--fleet",
            FLEET);
    assertEquals(0, publish.status(), publish.err());
    System.out.print("$ vigil repo publish\n" + publish.out());
  }

  /** Runs {@code vigil fleet command GATEWAY ARGS} signed with {@code key} and returns it. */
  private Cli.Result command(Path key, String... args) {
    List<String> line = new ArrayList<>(List.of("fleet", "command", GATEWAY));
    line.addAll(List.of(args));
    line.addAll(
        List.of(
            "--key",
            key.toString(),
            "--broker",
            broker.tcpUri(),
            "--allow-plaintext",
            "--fleet",
            FLEET));
    Cli.Result command = Cli.run(line.toArray(String[]::new));
    assertEquals(0, command.status(), command.err());
    System.out.print("$ vigil fleet command\n" + command.out());
    return command;
  }

  private Path unzipUpdate() throws Exception {
    return copyOutOfJar("repository-update/metadata/1.root.json", 2, person.resolve("update"));
  }

  private Path unzipCommandKey() throws Exception {
    Path key = copyOutOfJar("keys/commands.pub", 1, person.resolve("keys")).resolve("commands.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    return key;
  }

  private VigilConfig config(String brokerUri) {
    VigilConfig c = TestGateways.config(dataDir);
    return OnBroker.withRepository(
        OnBroker.config(
            c, brokerUri, FLEET, GATEWAY, c.monitoring(), SyncConfig.defaults().outboxMaxBytes()),
        "demo");
  }

  /** The manufacturer's side of the fleet: the gateway's events, verified with its identity key. */
  private void listenUpstream(Vertx vertx, VigilConfig config) throws Exception {
    String gw = gateway.sync().orElseThrow().topics().gateway();
    Verifier verifier = Verifier.create(Map.of(gw, Ledgers.identity(config).publicKey()));
    manufacturer =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "manufacturer", "vigil/v1/m/status"));
    manufacturer.subscribe(
        "vigil/v1/" + FLEET + "/" + gw + "/events",
        m -> upstream.add(new String(verifier.verify(m.payload()).body(), StandardCharsets.UTF_8)));
    manufacturer.start();
    manufacturer.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The version named by the answer to a device's request that names none. */
  private String answeringVersion() throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(TestGateways.DEMO_ROW))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body()).getString("model_version");
  }

  private String activeVersion(Vertx vertx) throws Exception {
    JsonArray models =
        new JsonObject(admin(vertx, HttpMethod.GET, "/admin/v1/models", null).body())
            .getJsonArray("models");
    List<String> active =
        models.stream()
            .map(JsonObject.class::cast)
            .filter(m -> m.getString("model_id").equals(MODEL) && m.getBoolean("active"))
            .map(m -> m.getString("version"))
            .toList();
    assertEquals(1, active.size(), models.encode());
    return active.get(0);
  }

  /** The candidate as {@code GET /admin/v1/updates} lists it, over the admin port's socket. */
  private JsonObject candidate() {
    try {
      HttpResponse<String> listed =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/updates"))
                  .header("Authorization", TestGateways.bearer(dataDir))
                  .version(HttpClient.Version.HTTP_1_1)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonArray updates = new JsonObject(listed.body()).getJsonArray("updates");
      return updates.isEmpty() ? new JsonObject() : updates.getJsonObject(0);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private String stage() {
    return candidate().getString("stage", "none");
  }

  private List<EventEntry> ledger(String type) {
    gateway.ledger().orElseThrow().checkpoint().join();
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(e -> e instanceof EventEntry ev && ev.type().equals(type))
          .map(e -> (EventEntry) e)
          .toList();
    }
  }

  private Answer admin(Vertx vertx, HttpMethod method, String path, JsonObject body)
      throws Exception {
    return AdminRequests.send(vertx, gateway, dataDir, method, path, body);
  }

  private static void await(BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    if (!within(condition, seconds)) {
      throw new AssertionError("not within " + seconds + " s: " + what);
    }
  }

  private static boolean within(BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * Copies the folder {@code up} levels above the resource {@code io/vigil/demo/FILE} out of the
   * demo jar (or classes folder) into {@code to}, as {@code unzip} would.
   */
  private static Path copyOutOfJar(String file, int up, Path to) throws Exception {
    URI uri = DemoUpdateEndToEndTest.class.getResource(DEMO + file).toURI();
    if (uri.getScheme().equals("jar")) {
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        TestGateways.copyTree(ancestor(jar.provider().getPath(uri), up), to);
      }
    } else {
      TestGateways.copyTree(ancestor(Path.of(uri), up), to);
    }
    return to;
  }

  private static Path ancestor(Path p, int up) {
    Path dir = p;
    for (int i = 0; i < up; i++) {
      dir = dir.getParent();
    }
    return dir;
  }
}
