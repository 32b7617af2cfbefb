package io.vigil.sync.chunks;

import static io.vigil.sync.chunks.ChunkAssemblerTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Source;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Updater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real TUF {@link Updater} over an {@link MqttSource} fed with what {@link ChunkPublisher}
 * sends, through a network that shuffles, duplicates and loses messages: it must end with what a
 * {@link DirectorySource} over the same repository gives, and refuse what it refuses.
 */
class MqttSourceTest {

  static final String MODEL = "models/wdbc-2.0.0.vbundle";
  static final int CHUNK = 64 * 1024;

  @TempDir Path base;
  final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
  final Topics topics = Topics.of("ward-7");
  final InMemoryFeed feed = new InMemoryFeed(13);
  Repository repo;
  TargetFile model;
  byte[] bundle;
  String stored;

  @BeforeEach
  void aRepositoryWithOneBundleAndARotatedKey() {
    Map<String, SigningKey> keys = new TreeMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    repo =
        Repository.create(
            base.resolve("repo"), Repository.inMemory(keys), clock, Expiry.DEFAULT, false);
    Updater.initialize(base.resolve("client-dir"), firstRoot());
    Updater.initialize(base.resolve("client-mqtt"), firstRoot());
    bundle = ChunkAssemblerTest.target(16 * CHUNK - 5);
    model = repo.add(MODEL, bundle, Json.object().put("model_id", "wdbc"));
    repo.rotate("timestamp");
    stored = "models/" + model.hashes().get("sha256") + ".wdbc-2.0.0.vbundle";
  }

  @AfterEach
  void closeTheNetwork() {
    feed.close();
  }

  @Test
  void givesTheUpdaterWhatADirectoryGivesThroughAShufflingDuplicatingNetwork() throws IOException {
    feed.duplicateRate = 0.5;
    publish();
    Updater fromDirectory = updater("client-dir", DirectorySource.of(repo.dir()));
    Updater overMqtt = updater("client-mqtt", source(options()));

    fromDirectory.refresh();
    overMqtt.refresh();
    byte[] expected = fromDirectory.download(fromDirectory.targetInfo(MODEL).orElseThrow());
    byte[] received = overMqtt.download(overMqtt.targetInfo(MODEL).orElseThrow());

    assertArrayEquals(bundle, expected);
    assertArrayEquals(expected, received);
    assertEquals(2, overMqtt.root().version(), "the rotated root came over MQTT");
    assertEquals(files(base.resolve("client-dir")), files(base.resolve("client-mqtt")));
    assertTrue(feed.delivered.size() > 16, "some chunks arrived twice");
    assertEquals(List.of(), files(base.resolve("downloads")), "nothing left once handed over");
  }

  @Test
  void asksAgainForOnlyTheChunksALostLinkDropped() {
    publish();
    feed.loseOnce(topics.chunk(stored, 3));
    feed.loseOnce(topics.chunk(stored, 11));
    Updater updater = updater("client-mqtt", source(options()));

    byte[] received = updater.download(updater.targetInfo(MODEL).orElseThrow());

    assertArrayEquals(bundle, received);
    assertEquals(List.of(topics.chunks(stored)), feed.subscriptions.get(0));
    assertEquals(
        List.of(topics.chunk(stored, 3), topics.chunk(stored, 11)), feed.subscriptions.get(1));
    assertEquals(16, feed.delivered.size(), "no chunk crossed the network twice");
  }

  @Test
  void resumesAfterARestartWithoutFetchingTheChunksItKept() {
    publish();
    Set<String> late = new HashSet<>();
    for (int i = 8; i < 16; i++) {
      late.add(topics.chunk(stored, i));
      feed.withhold(topics.chunk(stored, i));
    }
    Updater first = updater("client-mqtt", source(options().withTargetTimeout(ms(400))));
    TargetFile info = first.targetInfo(MODEL).orElseThrow();
    assertRefused(Code.FETCH_FAILED, () -> first.download(info), "has 8/16 chunks after");

    feed.release();
    feed.delivered.clear();
    Updater restarted = updater("client-mqtt", source(options()));
    byte[] received = restarted.download(restarted.targetInfo(MODEL).orElseThrow());

    assertArrayEquals(bundle, received);
    assertEquals(late, new HashSet<>(feed.delivered));
    assertEquals(8, feed.delivered.size());
  }

  @Test
  void refusesAChunkWhoseBytesWereChanged() {
    publish();
    byte[] tampered = feed.retained(topics.chunk(stored, 2)).orElseThrow();
    tampered[tampered.length - 10] ^= 1;
    feed.replace(topics.chunk(stored, 2), tampered);
    Updater updater = updater("client-mqtt", source(options()));
    TargetFile info = updater.targetInfo(MODEL).orElseThrow();

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> updater.download(info),
        "chunk 2 of " + stored + " does not match the SHA-256 in its header");
    assertEquals(List.of(), files(base.resolve("downloads")), "the partial download is gone");
  }

  @Test
  void refusesATargetWhoseChunksCarryDigestsOfOtherBytes() {
    publish();
    Chunk honest = Chunk.decode(feed.retained(topics.chunk(stored, 5)).orElseThrow());
    byte[] evil = honest.data().clone();
    evil[0] ^= 1;
    feed.replace(
        topics.chunk(stored, 5),
        new Chunk(stored, honest.targetLength(), CHUNK, 5, honest.count(), evil).encode());
    Updater updater = updater("client-mqtt", source(options()));
    TargetFile info = updater.targetInfo(MODEL).orElseThrow();

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> updater.download(info),
        "target " + MODEL + " does not match its signed sha256");
  }

  @Test
  void refusesATargetLongerThanItsSignedLength() throws IOException {
    byte[] endless = ChunkAssemblerTest.target(200 * CHUNK);
    Files.write(repo.dir().resolve("targets").resolve(stored), endless);
    publish();
    Updater updater = updater("client-mqtt", source(options()));
    TargetFile info = updater.targetInfo(MODEL).orElseThrow();

    assertRefused(
        Code.TOO_LONG,
        () -> updater.download(info),
        "has " + endless.length + " bytes by its chunk");
    assertEquals(List.of(), files(base.resolve("downloads")));
  }

  @Test
  void refusesMetadataOverItsCap() {
    publish();
    feed.replace(topics.metadata("timestamp.json"), new byte[20_000]);
    Updater updater = updater("client-mqtt", source(options()));

    assertRefused(
        Code.TOO_LONG, updater::refresh, "timestamp.json has 20000 bytes, over its cap of 16384");
  }

  // ---- helpers ---------------------------------------------------------------------------

  void publish() {
    ChunkPublisher.create(topics, CHUNK).publish(repo.dir(), feed);
  }

  MqttSourceOptions options() {
    return MqttSourceOptions.of(base.resolve("downloads"))
        .withTargetTimeout(Duration.ofSeconds(20))
        .withResubscribeAfter(ms(200));
  }

  MqttSource source(MqttSourceOptions options) {
    return MqttSource.create(feed, topics, options);
  }

  Updater updater(String client, Source source) {
    return Updater.open(base.resolve(client), source, clock, Updater.Limits.DEFAULT);
  }

  byte[] firstRoot() {
    try {
      return Files.readAllBytes(repo.firstRoot());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  /** Every file under {@code dir} with its content, to compare two trusted stores. */
  static List<String> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(f)) {
          out.add(dir.relativize(f) + " " + io.vigil.canonical.Sha256.hex(Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }
}
