package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.TrustException.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow when nobody attacks: what a refresh trusts, stores, finds and downloads. */
class UpdaterTest {

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
  }

  @Test
  void storesEveryTopLevelRoleOnTheFirstRefresh() {
    Updater updater = repo.updater();

    updater.refresh();

    assertEquals(
        Map.of("root", 1L, "timestamp", 1L, "snapshot", 1L, "targets", 1L), repo.trustedVersions());
    assertEquals(1, updater.root().version());
  }

  @Test
  void findsAndDownloadsATargetThatTheTopLevelTargetsApprove() {
    byte[] model = "model bytes".getBytes(UTF_8);
    TargetFile signed = repo.addTarget("models/a-1.0.0.vbundle", model);
    repo.newTargets("targets");
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo("models/a-1.0.0.vbundle");
    byte[] downloaded = updater.download(found.orElseThrow());

    assertEquals(signed, found.get());
    assertArrayEquals(model, downloaded);
    assertEquals(List.of(signed), updater.targets());
  }

  @Test
  void approvesNothingThatNoRoleLists() {
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo("models/unknown.vbundle");

    assertTrue(found.isEmpty());
    assertEquals(
        "no trusted role lists target 'models/unknown.vbundle'",
        updater.whyNotApproved("models/unknown.vbundle"));
  }

  @Test
  void seesNewTargetsOnTheNextRefresh() {
    Updater updater = repo.updater();
    updater.refresh();
    repo.addTarget("b.bin", new byte[] {1, 2, 3});
    repo.newTargets("targets");

    updater.refresh();

    assertTrue(updater.targetInfo("b.bin").isPresent());
    assertEquals(
        Map.of("root", 1L, "timestamp", 2L, "snapshot", 2L, "targets", 2L), repo.trustedVersions());
  }

  @Test
  void aRefreshWithNothingNewKeepsWhatItTrusts() {
    repo.updater().refresh();

    repo.updater().refresh();

    assertEquals(
        Map.of("root", 1L, "timestamp", 1L, "snapshot", 1L, "targets", 1L), repo.trustedVersions());
  }

  @Test
  void approvesNothingFromBeforeARefreshThatFailed() {
    repo.addTarget("a.bin", new byte[] {1});
    repo.newTargets("targets");
    Updater updater = repo.updater();
    assertTrue(updater.targetInfo("a.bin").isPresent());
    repo.write("timestamp.json", "{".getBytes(UTF_8));

    assertRefused(Code.MALFORMED, updater::refresh, "timestamp metadata is not valid JSON");

    assertRefused(
        Code.MALFORMED, () -> updater.targetInfo("a.bin"), "timestamp metadata is not valid JSON");
  }

  @Test
  void readsARepositoryWithoutConsistentSnapshots(@TempDir Path other) {
    RepositoryFixture plain = new RepositoryFixture(other);
    plain.consistentSnapshot = false;
    byte[] model = {9, 8, 7};
    plain.addTarget("models/plain.bin", model);
    plain.publishEverything();
    plain.initializeClient();
    Updater updater = plain.updater();

    byte[] downloaded = updater.download(updater.targetInfo("models/plain.bin").orElseThrow());

    assertArrayEquals(model, downloaded);
    assertTrue(Files.exists(plain.dir.resolve("metadata/snapshot.json")));
    assertTrue(Files.exists(plain.dir.resolve("targets/models/plain.bin")));
  }

  @Test
  void refusesToOpenADirectoryWithoutATrustedRoot(@TempDir Path empty) {
    assertRefused(
        Code.STORE_FAILED,
        () -> Updater.open(empty, DirectorySource.of(repo.dir), repo.clock, repo.limits),
        "no trusted root in " + empty);
  }

  @Test
  void neverReplacesATrustedRootByInitializingAgain() throws Exception {
    byte[] other = RepositoryFixture.started(base.resolve("other")).read("1.root.json");

    assertRefused(
        Code.STORE_FAILED, () -> Updater.initialize(repo.client, other), "already trusts a root");

    assertArrayEquals(
        repo.read("1.root.json"), Files.readAllBytes(repo.client.resolve("root.json")));
  }

  @Test
  void refusesAFirstRootThatItsOwnThresholdDidNotSign(@TempDir Path fresh) {
    byte[] unsigned = RepositoryFixture.sign(repo.root(), List.of());

    assertRefused(
        Code.UNSIGNED,
        () -> Updater.initialize(fresh, unsigned),
        "root metadata version 1 has 0 valid signature(s)");

    assertFalse(Files.exists(fresh.resolve("root.json")));
  }

  @Test
  void saysWhichFileARepositoryLacks() throws Exception {
    Files.delete(repo.dir.resolve("metadata/timestamp.json"));

    assertRefused(Code.FETCH_FAILED, () -> repo.updater().refresh(), "has no timestamp.json");

    assertFalse(repo.trusts("timestamp"));
  }

  @Test
  void refusesADirectoryThatIsNotARepository(@TempDir Path empty) {
    assertRefused(Code.FETCH_FAILED, () -> DirectorySource.of(empty), "no metadata/ directory");
  }
}
