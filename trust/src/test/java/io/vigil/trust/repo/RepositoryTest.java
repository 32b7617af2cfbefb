package io.vigil.trust.repo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.MutableClock;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Timestamp;
import io.vigil.trust.tuf.Updater;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The manufacturer's repository, read back by itself and by a gateway's Updater. */
class RepositoryTest {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path base;
  final MutableClock clock = new MutableClock(START);
  final Map<String, SigningKey> keys = new HashMap<>();
  Path dir;
  Repository repo;

  @BeforeEach
  void createRepository() {
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    dir = base.resolve("repository");
    repo = Repository.create(dir, Repository.inMemory(keys), clock, Expiry.DEFAULT, false);
  }

  @Test
  void createsARepositoryThatAGatewayTrusts() {
    Updater gateway = gateway("gateway");

    gateway.refresh();

    assertEquals(1, gateway.root().version());
    assertFalse(gateway.root().demo());
    assertTrue(gateway.targets().isEmpty());
    assertEquals(keys.get("timestamp").keyId(), gateway.root().role("timestamp").keyIds().get(0));
  }

  @Test
  void marksADemonstrationRoot(@TempDir Path other) {
    Repository demo =
        Repository.create(other, Repository.inMemory(keys), clock, Expiry.DEFAULT, true);

    assertTrue(demo.root().demo());
  }

  @Test
  void publishesATargetThatAGatewayFindsAndDownloads() {
    byte[] bundle = "bundle bytes".getBytes(UTF_8);
    ObjectNode custom = Json.object().put("model", "wdbc").put("version", "1.0.0");
    TargetFile added = repo.add("wdbc/wdbc-1.0.0.vbundle", bundle, custom);
    Updater gateway = gateway("gateway");

    TargetFile found = gateway.targetInfo("wdbc/wdbc-1.0.0.vbundle").orElseThrow();

    assertEquals(added, found);
    assertEquals(Optional.of(custom), found.custom());
    assertArrayEquals(bundle, gateway.download(found));
  }

  @Test
  void opensWhatItCreated() {
    repo.add("a.bin", new byte[] {1}, Json.object());

    Repository opened = Repository.open(dir, Repository.inMemory(keys), clock, Expiry.DEFAULT);

    assertEquals(repo.root(), opened.root());
    assertEquals(repo.targets(), opened.targets());
  }

  @Test
  void continuesTheVersionsOfTheRepositoryItOpened() {
    repo.add("a.bin", new byte[] {1}, Json.object());
    Updater gateway = gateway("gateway");
    gateway.refresh();
    Repository opened = Repository.open(dir, Repository.inMemory(keys), clock, Expiry.DEFAULT);

    opened.add("b.bin", new byte[] {2}, Json.object());
    gateway.refresh();

    assertEquals(3, opened.targets().version());
    assertEquals(
        Set.of("a.bin", "b.bin"),
        gateway.targets().stream().map(TargetFile::path).collect(Collectors.toSet()));
  }

  @Test
  void refusesToCreateOverARepository() {
    TrustException e =
        assertRefused(
            Code.STORE_FAILED,
            () -> Repository.create(dir, Repository.inMemory(keys), clock, Expiry.DEFAULT, false));

    assertTrue(e.getMessage().contains("already holds a repository"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/etc/passwd", "a/../../b", "a\\b"})
  void refusesATargetPathThatCouldLeaveTheRepository(String path) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> repo.add(path, new byte[] {1}, Json.object()));

    assertTrue(e.getMessage().contains("a target path is relative, with no '..'"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "targets", "snapshot", "timestamp"})
  void rotatesAKeySoThatOldAndNewGatewaysFollow(String role) {
    repo.add("a.bin", new byte[] {1}, Json.object());
    Updater old = gateway("old");
    old.refresh();

    SigningKey fresh = repo.rotate(role);
    old.refresh();
    Updater newcomer = gateway("new");
    newcomer.refresh();

    for (Updater gateway : List.of(old, newcomer)) {
      assertEquals(2, gateway.root().version());
      assertEquals(List.of(fresh.keyId()), gateway.root().role(role).keyIds());
      assertTrue(gateway.targetInfo("a.bin").isPresent());
    }
    assertFalse(newcomer.root().keys().containsKey(keys.get(role).keyId()));
  }

  @Test
  void aRotatedTimestampKeyNoLongerSigns() throws Exception {
    Updater gateway = gateway("gateway");
    gateway.refresh();
    repo.rotate("timestamp");
    gateway.refresh();
    Timestamp current =
        Metadata.timestamp(Files.readAllBytes(dir.resolve("metadata/timestamp.json"))).signed();
    Timestamp next = new Timestamp(current.version() + 1, current.expires(), current.snapshot());
    Files.write(
        dir.resolve("metadata/timestamp.json"),
        Metadata.sign(next, List.of(keys.get("timestamp"))).bytes());

    TrustException e = assertRefused(Code.UNSIGNED, gateway::refresh);

    assertTrue(e.getMessage().contains("timestamp metadata version 3 has 0 valid"), e.getMessage());
  }

  @Test
  void aRotatedRootKeyCannotSignTheNextRoot() throws Exception {
    Updater gateway = gateway("gateway");
    repo.rotate("root");
    gateway.refresh();
    byte[] root3 =
        Metadata.sign(
                new Root(
                    3, repo.root().expires(), true, repo.root().keys(), repo.root().roles(), false),
                List.of(keys.get("root")))
            .bytes();
    Files.write(dir.resolve("metadata/3.root.json"), root3);

    TrustException e = assertRefused(Code.BAD_ROOT_ROTATION, gateway::refresh);

    assertTrue(e.getMessage().contains("trusted root version 2"), e.getMessage());
    assertEquals(2, gateway.root().version());
  }

  @Test
  void aNewTimestampKeepsAGatewayGoingPastTheOldOnesExpiry() {
    Updater gateway = gateway("gateway");
    gateway.refresh();
    clock.advance(Duration.ofDays(6));
    repo.timestamp();
    clock.advance(Duration.ofDays(2));

    gateway.refresh();

    assertTrue(gateway.targets().isEmpty());
  }

  @Test
  void withoutANewTimestampAGatewayStopsAtTheExpiry() {
    Updater gateway = gateway("gateway");
    gateway.refresh();
    clock.advance(Duration.ofDays(8));

    TrustException e = assertRefused(Code.EXPIRED, gateway::refresh);

    assertTrue(e.getMessage().contains("timestamp metadata version 1 expired"), e.getMessage());
  }

  @Test
  void signAllKeepsAGatewayGoingPastTheOldTargetsExpiry() {
    Updater gateway = gateway("gateway");
    gateway.refresh();
    clock.advance(Duration.ofDays(180));
    repo.signAll();
    clock.advance(Duration.ofDays(5));

    gateway.refresh();

    assertEquals(2, repo.targets().version());
    assertEquals(START.plus(Duration.ofDays(180 + 182)), repo.targets().expires());
  }

  @Test
  void keepsKeysInFilesAndRetiresARotatedOne(@TempDir Path keysDir) {
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      KeyFiles.write(keys.get(role), keysDir, role);
    }
    Path other = base.resolve("with-key-files");
    Repository withFiles =
        Repository.create(other, Repository.keyFiles(keysDir), clock, Expiry.DEFAULT, false);

    SigningKey fresh = withFiles.rotate("snapshot");

    assertEquals(
        fresh.publicKey(), KeyFiles.readPrivate(keysDir.resolve("snapshot.key")).publicKey());
    assertEquals(
        keys.get("snapshot").publicKey(),
        KeyFiles.readPrivate(keysDir.resolve("retired/snapshot-until-root-1.key")).publicKey());
    assertTrue(Files.exists(keysDir.resolve("retired/snapshot-until-root-1.pub")));
  }

  @Test
  void saysWhichKeyIsMissing(@TempDir Path keysDir) {
    TrustException e =
        assertRefused(
            Code.KEY_INVALID,
            () ->
                Repository.create(
                    base.resolve("no-keys"),
                    Repository.keyFiles(keysDir),
                    clock,
                    Expiry.DEFAULT,
                    false));

    assertTrue(e.getMessage().contains("no root key: " + keysDir.resolve("root.key")));
  }

  @Test
  void givesEachRoleItsOwnLifetime() {
    Expiry expiry = Expiry.DEFAULT;

    assertEquals(Duration.ofDays(365), expiry.of("root"));
    assertEquals(Duration.ofDays(182), expiry.of("targets"));
    assertEquals(Duration.ofDays(182), expiry.of("vendor-a"));
    assertEquals(Duration.ofDays(30), expiry.of("snapshot"));
    assertEquals(Duration.ofDays(7), expiry.of("timestamp"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Expiry(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1)));
  }

  private Updater gateway(String name) {
    Path metadata = base.resolve(name);
    if (!Files.exists(metadata.resolve("root.json"))) {
      try {
        Updater.initialize(metadata, Files.readAllBytes(repo.firstRoot()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Updater.open(metadata, DirectorySource.of(dir), clock, Updater.Limits.DEFAULT);
  }

  private static TrustException assertRefused(Code code, Executable action) {
    TrustException e = assertThrows(TrustException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }
}
