package io.vigil.sync.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.TargetFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkPublisherTest {

  record Sent(String topic, byte[] payload, boolean retained) {}

  @TempDir Path base;
  final Topics topics = Topics.of("ward-7");
  final List<Sent> sent = new ArrayList<>();
  Repository repo;

  @BeforeEach
  void aRepository() {
    Map<String, SigningKey> keys = new TreeMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    repo =
        Repository.create(
            base.resolve("repo"),
            Repository.inMemory(keys),
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC),
            Expiry.DEFAULT,
            false);
  }

  @Test
  void sendsEveryChunkBeforeTheMetadataAndTheTimestampLast() {
    TargetFile a = repo.add("models/a.vbundle", ChunkAssemblerTest.target(2500), Json.object());
    repo.rotate("root");

    ChunkPublisher.Summary summary =
        ChunkPublisher.create(topics, 1000).publish(repo.dir(), this::record);

    String stored = "models/" + a.hashes().get("sha256") + ".a.vbundle";
    List<String> published =
        sent.stream().filter(s -> s.payload.length > 0).map(Sent::topic).toList();
    assertEquals(
        List.of(
            topics.chunk(stored, 0),
            topics.chunk(stored, 1),
            topics.chunk(stored, 2),
            topics.metadata("1.root.json"),
            topics.metadata("2.root.json"),
            topics.metadata("2.snapshot.json"),
            topics.metadata("2.targets.json"),
            topics.metadata("root.json"),
            topics.metadata("timestamp.json")),
        published);
    assertTrue(sent.stream().allMatch(Sent::retained));
    assertEquals(new ChunkPublisher.Summary(6, 1, 3, 2, 2500), summary);
  }

  @Test
  void clearsTheChunksOfATargetNoRoleListsAnyMoreAndStaleVersions() {
    InMemoryFeed feed = new InMemoryFeed(1);
    TargetFile a = repo.add("models/a.vbundle", ChunkAssemblerTest.target(2500), Json.object());
    ChunkPublisher publisher = ChunkPublisher.create(topics, 1000);
    publisher.publish(repo.dir(), feed);

    repo.remove("models/a.vbundle");
    publisher.publish(repo.dir(), feed);

    assertEquals(
        List.of(
            topics.metadata("1.root.json"),
            topics.metadata("3.snapshot.json"),
            topics.metadata("3.targets.json"),
            topics.metadata("root.json"),
            topics.metadata("timestamp.json")),
        List.copyOf(feed.retainedMessages().keySet()),
        "no chunk of " + a.path() + " is left on the broker");
    feed.close();
  }

  @Test
  void refusesADirectoryThatIsNotARepository() {
    TrustException e =
        assertThrows(
            TrustException.class,
            () -> ChunkPublisher.create(topics).publish(base.resolve("nothing"), this::record));
    assertEquals(Code.FETCH_FAILED, e.code());
    assertThrows(IllegalArgumentException.class, () -> ChunkPublisher.create(topics, 0));
  }

  @Test
  void refusesTopicsThatABrokerWouldReadAsFilters() {
    assertThrows(IllegalArgumentException.class, () -> Topics.of("ward/7"));
    assertThrows(IllegalArgumentException.class, () -> Topics.of("+"));
    assertThrows(IllegalArgumentException.class, () -> topics.chunk("models/#.vbundle", 0));
    assertEquals(
        "vigil/v1/ward-7/repo/targets/models/a.vbundle/chunks/3",
        topics.chunk("models/a.vbundle", 3));
  }

  private void record(String topic, byte[] payload, boolean retained) {
    sent.add(new Sent(topic, payload, retained));
  }
}
