package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback attacks (TUF 5.4.3, 5.4.4, 5.5.5): a version older than the trusted one, of the
 * timestamp itself or of a role that the timestamp or snapshot lists, is refused in the process
 * that saw the newer one and after a restart, when only the stored metadata remembers it.
 */
class RollbackTest {

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
  }

  @Test
  void refusesATimestampOlderThanTheTrustedOne() {
    Updater updater = repo.updater();
    byte[] old = trustTimestamp2(updater);
    repo.write("timestamp.json", old);

    assertRefused(
        Code.ROLLBACK,
        updater::refresh,
        "timestamp version 1 was offered, older than the trusted version 2");

    assertEquals(2, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesATimestampOlderThanTheTrustedOneAfterARestart() {
    byte[] old = trustTimestamp2(repo.updater());
    repo.write("timestamp.json", old);

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "timestamp version 1 was offered, older than the trusted version 2");

    assertEquals(2, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesATimestampThatListsAnOlderSnapshot() {
    Updater updater = repo.updater();
    trustSnapshot2(updater);
    listSnapshot1InTimestamp3();

    assertRefused(
        Code.ROLLBACK,
        updater::refresh,
        "timestamp version 3 lists snapshot version 1, older than the trusted snapshot version 2");

    assertEquals(Map.of("timestamp", 2L, "snapshot", 2L), versions("timestamp", "snapshot"));
  }

  @Test
  void refusesATimestampThatListsAnOlderSnapshotAfterARestart() {
    trustSnapshot2(repo.updater());
    listSnapshot1InTimestamp3();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "timestamp version 3 lists snapshot version 1, older than the trusted snapshot version 2");

    assertEquals(Map.of("timestamp", 2L, "snapshot", 2L), versions("timestamp", "snapshot"));
  }

  @Test
  void refusesASnapshotThatListsOlderTargets() {
    Updater updater = repo.updater();
    trustTargets2(updater);
    listTargets1InSnapshot3();

    assertRefused(
        Code.ROLLBACK,
        updater::refresh,
        "targets.json version 1 was offered, older than the trusted version 2");

    assertEquals(Map.of("snapshot", 2L, "targets", 2L), versions("snapshot", "targets"));
  }

  @Test
  void refusesASnapshotThatListsOlderTargetsAfterARestart() {
    trustTargets2(repo.updater());
    listTargets1InSnapshot3();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "targets.json version 1 was offered, older than the trusted version 2");

    assertEquals(Map.of("snapshot", 2L, "targets", 2L), versions("snapshot", "targets"));
  }

  @Test
  void refusesASnapshotThatNoLongerListsADelegatedRole() {
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.newTargets("targets");
    repo.publishTargets("vendor-a");
    repo.newSnapshot();
    repo.updater().refresh();
    repo.published.remove("vendor-a.json");
    repo.newSnapshot();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "snapshot version 4 no longer lists vendor-a.json",
        "at version 1");

    assertEquals(3, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesASnapshotThatListsAnOlderDelegatedRole() {
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.newTargets("targets");
    repo.publishTargets("vendor-a");
    repo.newTargets("vendor-a");
    repo.updater().targetInfo("a/model.bin");
    repo.published.put("vendor-a.json", RepositoryFixture.meta(1, repo.read("1.vendor-a.json")));
    repo.newSnapshot();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "vendor-a.json version 1 was offered, older than the trusted version 2");

    assertEquals(3, repo.trustedVersion("snapshot"));
    assertEquals(2, repo.trustedVersion("vendor-a"));
  }

  /** The client trusts timestamp version 2; returns the published version 1. */
  private byte[] trustTimestamp2(Updater updater) {
    updater.refresh();
    byte[] old = repo.read("timestamp.json");
    repo.newTimestamp();
    updater.refresh();
    assertEquals(2, repo.trustedVersion("timestamp"));
    return old;
  }

  private void trustSnapshot2(Updater updater) {
    updater.refresh();
    repo.newSnapshot();
    updater.refresh();
    assertEquals(2, repo.trustedVersion("snapshot"));
  }

  /** A correctly signed timestamp version 3 that points back at snapshot version 1. */
  private void listSnapshot1InTimestamp3() {
    repo.published.put("snapshot.json", RepositoryFixture.meta(1, repo.read("1.snapshot.json")));
    repo.newTimestamp();
  }

  private void trustTargets2(Updater updater) {
    updater.refresh();
    repo.newTargets("targets");
    updater.refresh();
    assertEquals(2, repo.trustedVersion("targets"));
  }

  /** A correctly signed snapshot version 3 (and timestamp 3) that points back at targets 1. */
  private void listTargets1InSnapshot3() {
    repo.published.put("targets.json", RepositoryFixture.meta(1, repo.read("1.targets.json")));
    repo.newSnapshot();
  }

  private Map<String, Long> versions(String... roles) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String role : roles) {
      out.put(role, repo.trustedVersion(role));
    }
    return out;
  }
}
