package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mix-and-match attacks (TUF 5.5.2, 5.5.7, 5.6.2, 5.6.4): each file is the version, and has the
 * length and hash, that the role listing it signed, even when the file is itself validly signed.
 */
class MixAndMatchTest {

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
    repo.updater().refresh();
  }

  @Test
  void refusesASnapshotOfAnotherVersionThanTheTimestampLists() {
    repo.snapshotVersion = 3;
    byte[] version3 = RepositoryFixture.sign(repo.snapshot(), repo.signers("snapshot"));
    repo.write("2.snapshot.json", version3);
    repo.published.put("snapshot.json", RepositoryFixture.meta(2, version3));
    repo.newTimestamp();

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "snapshot version 3 is not the version 2 that the timestamp lists");

    assertEquals(1, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesASnapshotOfAnotherVersionEvenWhenTheTimestampListsNoHash() {
    repo.snapshotVersion = 3;
    repo.write(
        "2.snapshot.json", RepositoryFixture.sign(repo.snapshot(), repo.signers("snapshot")));
    repo.published.put("snapshot.json", new MetaFile(2, OptionalLong.empty(), Map.of()));
    repo.newTimestamp();

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "snapshot version 3 is not the version 2 that the timestamp lists");

    assertEquals(1, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesAValidlySignedSnapshotWhoseHashTheTimestampDidNotSign() {
    repo.newSnapshot();
    repo.snapshotExpires = repo.snapshotExpires.plusSeconds(1);
    repo.write(
        "2.snapshot.json", RepositoryFixture.sign(repo.snapshot(), repo.signers("snapshot")));

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "snapshot metadata does not match its signed sha256 "
            + repo.published.get("snapshot.json").hashes().get("sha256"));

    assertEquals(1, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesASnapshotShorterThanTheTimestampSays() {
    repo.newSnapshot();
    MetaFile listed = repo.published.get("snapshot.json");
    repo.published.put(
        "snapshot.json",
        new MetaFile(2, OptionalLong.of(listed.length().getAsLong() + 10), listed.hashes()));
    repo.newTimestamp();

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "snapshot metadata has " + listed.length().getAsLong() + " bytes",
        "its signed length is " + (listed.length().getAsLong() + 10));

    assertEquals(1, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesTargetsOfAnotherVersionThanTheSnapshotLists() {
    repo.role("targets").version = 3;
    byte[] version3 = RepositoryFixture.sign(repo.targets("targets"), repo.signers("targets"));
    repo.write("2.targets.json", version3);
    repo.published.put("targets.json", RepositoryFixture.meta(2, version3));
    repo.newSnapshot();

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "targets metadata version 3 is not the version 2 that the snapshot lists");

    assertEquals(1, repo.trustedVersion("targets"));
  }

  @Test
  void refusesValidlySignedTargetsWhoseHashTheSnapshotDidNotSign() {
    repo.newTargets("targets");
    String listed = repo.published.get("targets.json").hashes().get("sha256");
    repo.role("targets").expires = repo.role("targets").expires.plusSeconds(1);
    repo.write(
        "2.targets.json", RepositoryFixture.sign(repo.targets("targets"), repo.signers("targets")));

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "targets metadata does not match its signed sha256 " + listed);

    assertEquals(1, repo.trustedVersion("targets"));
  }

  @Test
  void refusesADelegatedRoleThatTheSnapshotDoesNotList() {
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.addTarget("vendor-a", "a/model.bin", new byte[] {1});
    repo.newTargets("targets");
    repo.publishTargets("vendor-a");
    repo.published.remove("vendor-a.json");
    repo.newSnapshot();
    Updater updater = repo.updater();

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> updater.targetInfo("a/model.bin"),
        "role vendor-a is delegated but the snapshot does not list it");

    assertFalse(repo.trusts("vendor-a"));
  }

  @Test
  void refusesAStoredSnapshotThatTheNewTimestampDoesNotList() {
    repo.newSnapshot();
    byte[] listedByTimestamp = repo.read("2.snapshot.json");
    repo.write("2.snapshot.json", repo.read("1.snapshot.json"));

    assertRefused(
        Code.MIX_AND_MATCH,
        () -> repo.updater().refresh(),
        "snapshot metadata does not match its signed sha256 " + Sha256.hex(listedByTimestamp));

    assertEquals(1, repo.trustedVersion("snapshot"));
  }
}
