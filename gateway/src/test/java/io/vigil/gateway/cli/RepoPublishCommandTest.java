package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.sync.chunks.LinkFeed;
import io.vigil.sync.chunks.MqttSource;
import io.vigil.sync.chunks.MqttSourceOptions;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.sync.testing.Ports;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.Updater;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repo publish}: a real repository to a real broker, read back by a gateway's Updater.
 */
class RepoPublishCommandTest {

  static final String FLEET = "ward-7";
  static final String TARGET = "models/big-1.0.0.vbundle";
  static final int TARGET_BYTES = 20 * 1024 * 1024;

  @TempDir Path tmp;

  @Test
  void publishesARepositoryThatAGatewayUpdaterReadsBackOverMqtt() throws Exception {
    Map<String, SigningKey> keys = new TreeMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    Repository repo =
        Repository.create(
            tmp.resolve("repo"),
            Repository.inMemory(keys),
            Clock.systemUTC(),
            Expiry.DEFAULT,
            false);
    byte[] bundle = new byte[TARGET_BYTES];
    new Random(13).nextBytes(bundle);
    repo.add(TARGET, bundle, Json.object().put("model_id", "big"));
    Vertx vertx = Vertx.vertx();
    try (EmbeddedBroker broker = EmbeddedBroker.start(tmp.resolve("hivemq"))) {
      Cli.Result published =
          Cli.run(
              "repo",
              "publish",
              repo.dir().toString(),
              "--broker",
              broker.tcpUri(),
              "--allow-plaintext",
              "--fleet",
              FLEET);

      assertEquals(0, published.status(), published.err());
      System.out.print("vigil repo publish:\n" + published.out());
      assertTrue(
          published.out().contains("1 target(s) in 80 chunk(s), " + TARGET_BYTES + " target bytes"),
          published.out());

      MqttLink link =
          MqttLink.create(
              vertx,
              LinkOptions.plain(broker.tcpUri(), "gw-1", "vigil/v1/" + FLEET + "/gw-1/status"));
      link.start();
      Topics topics = Topics.of(FLEET);
      try (LinkFeed feed = LinkFeed.open(link, topics)) {
        assertTrue(
            feed.awaitMetadata("timestamp.json", Duration.ofSeconds(20)), "no retained timestamp");
        Updater.initialize(tmp.resolve("client"), Files.readAllBytes(repo.firstRoot()));
        Updater updater =
            Updater.open(
                tmp.resolve("client"),
                MqttSource.create(
                    feed,
                    topics,
                    MqttSourceOptions.of(tmp.resolve("downloads"))
                        .withTargetTimeout(Duration.ofMinutes(2))),
                Clock.systemUTC(),
                Updater.Limits.DEFAULT);
        updater.refresh();
        long begin = System.nanoTime();
        byte[] received = updater.download(updater.targetInfo(TARGET).orElseThrow());
        double seconds = (System.nanoTime() - begin) / 1e9;

        assertArrayEquals(bundle, received);
        System.out.printf(
            Locale.ROOT,
            "MQTT loopback, HiveMQ CE embedded: %d bytes read back through the Updater in %.2f s:"
                + " %.1f MB/s%n",
            received.length,
            seconds,
            received.length / 1e6 / seconds);
      } finally {
        link.close().toCompletionStage().toCompletableFuture().get();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  void aBrokerThatCannotBeReachedEndsWithAMessageAndStatus69() throws Exception {
    Files.createDirectories(tmp.resolve("repo/metadata"));
    String nowhere = "tcp://127.0.0.1:" + Ports.free();

    Cli.Result r =
        Cli.run(
            "repo",
            "publish",
            tmp.resolve("repo").toString(),
            "--broker",
            nowhere,
            "--allow-plaintext",
            "--fleet",
            FLEET,
            "--connect-timeout",
            "2s");

    assertEquals(69, r.status(), r.out() + r.err());
    assertTrue(r.err().startsWith("vigil: MQTT broker " + nowhere + ", connecting"), r.err());
    System.out.print(r.err());
  }

  @Test
  void aPlainTcpBrokerNeedsAllowPlaintext() {
    Cli.Result r =
        Cli.run(
            "repo",
            "publish",
            tmp.toString(),
            "--broker",
            "tcp://127.0.0.1:1883",
            "--fleet",
            FLEET);

    assertEquals(78, r.status());
    assertTrue(r.err().contains("add --allow-plaintext"), r.err());
  }
}
