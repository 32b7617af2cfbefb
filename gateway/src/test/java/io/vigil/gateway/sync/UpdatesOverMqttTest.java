package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.inference.store.ModelStore;
import io.vigil.sync.chunks.ChunkPublisher;
import io.vigil.sync.chunks.Publish;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.Updater;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates over MQTT in a running gateway: a repository published with {@link ChunkPublisher} to a
 * real broker (HiveMQ CE embedded) is installed and loaded; a tampered chunk of a later target is
 * refused with an {@code update.refused} event, in the ledger and upstream.
 */
class UpdatesOverMqttTest {

  static final String FLEET = OnBroker.FLEET;
  static final String MODEL = "test-model";

  @TempDir Path dataDir;
  @TempDir Path brokerDir;
  @TempDir Path repoDir;

  private final Vertx vertx = Vertx.vertx();
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
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
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void installsAnApprovedBundleOverMqttAndRefusesATamperedChunk() throws Exception {
    long begin = System.nanoTime();
    broker = EmbeddedBroker.start(brokerDir);
    Repository repo = TestGateways.repository(repoDir);
    Updater.initialize(
        dataDir.resolve("trust").resolve(SyncConfig.DEFAULT_REPOSITORY),
        Files.readAllBytes(repo.firstRoot()));
    Bundle two = TestBundles.clinicalBundle(MODEL, "1.0.2", 2);
    approve(repo, two);

    VigilConfig gatewayConfig = config(broker.tcpUri());
    gateway = Gateway.start(gatewayConfig);
    String gw = gateway.sync().orElseThrow().topics().gateway();
    Verifier verifier = Verifier.create(Map.of(gw, Ledgers.identity(gatewayConfig).publicKey()));
    manufacturer =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "manufacturer", "vigil/v1/m/status"));
    manufacturer.subscribe(
        "vigil/v1/" + FLEET + "/" + gw + "/events",
        m -> events.add(new String(verifier.verify(m.payload()).body(), StandardCharsets.UTF_8)));
    manufacturer.start();
    manufacturer.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    publish(repo, UnaryOperator.identity(), "");
    await(() -> gateway.models().findActive(MODEL).isPresent(), "release 2 installed over MQTT");
    LoadedModel active = gateway.models().active(MODEL);
    assertEquals(2, active.manifest().release());
    assertEquals(two.sha256(), active.bundle().sha256());
    assertTrue(ModelStore.open(dataDir).contains(two.sha256()), "release 2 is in the store");
    assertTrue(ledger().stream().anyMatch(e -> e.type().equals("bundle.activated")));
    System.out.printf(
        "release 2 installed over MQTT %.1f s after the start%n",
        (System.nanoTime() - begin) / 1e9);

    Bundle three = TestBundles.clinicalBundle(MODEL, "1.0.3", 3);
    approve(repo, three);
    publish(repo, UpdatesOverMqttTest::tampered, three.sha256());
    await(
        () -> ledger().stream().anyMatch(e -> e.type().equals("update.refused")),
        "update.refused in the ledger");
    await(
        () -> events.stream().anyMatch(e -> e.contains("update_refused")),
        "update_refused event upstream");
    assertEquals(2, gateway.models().active(MODEL).manifest().release(), "release 2 still serves");
    System.out.printf("test took %.1f s%n", (System.nanoTime() - begin) / 1e9);
  }

  private static void approve(Repository repo, Bundle bundle) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
  }

  /**
   * Publishes the repository with {@link ChunkPublisher} over the manufacturer's link, passing the
   * chunks of targets whose topic contains {@code marker} (when not empty) through {@code chunk}.
   */
  private void publish(Repository repo, UnaryOperator<byte[]> chunk, String marker) {
    Publish publish =
        (topic, payload, retained) -> {
          byte[] out =
              !marker.isEmpty() && topic.contains(marker) && topic.contains("/chunks/")
                  ? chunk.apply(payload)
                  : payload;
          try {
            manufacturer
                .publish(topic, out, retained)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new AssertionError("publish " + topic + ": " + e, e);
          }
        };
    ChunkPublisher.create(Topics.of(FLEET)).publish(repo.dir(), publish);
  }

  /**
   * A chunk whose last byte is flipped and whose own SHA-256 is made to match: the chunk passes its
   * own checks, the assembled target fails the signed hash.
   */
  static byte[] tampered(byte[] chunk) {
    byte[] out = chunk.clone();
    int pathLength = ByteBuffer.wrap(out, 4, 2).getShort() & 0xffff;
    int sha = 4 + 2 + pathLength + 8 + 4 + 4 + 4 + 4;
    int bytes = sha + 32;
    out[out.length - 1] ^= 1;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(java.util.Arrays.copyOfRange(out, bytes, out.length));
      System.arraycopy(digest, 0, out, sha, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(100);
    }
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

  private VigilConfig config(String brokerUri) {
    VigilConfig c = TestGateways.withoutDemo(TestGateways.config(dataDir));
    return OnBroker.config(
        c, brokerUri, FLEET, "gw-1", c.monitoring(), SyncConfig.defaults().outboxMaxBytes());
  }
}
