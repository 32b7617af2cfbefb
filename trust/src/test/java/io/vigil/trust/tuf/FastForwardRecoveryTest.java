package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery from a fast-forward attack (TUF 5.3.11): an attacker who held the timestamp or snapshot
 * key pushed its version far ahead; once root rotates that key, metadata signed by the new key is
 * trusted again from a lower version, and metadata signed by the old key no longer counts.
 */
class FastForwardRecoveryTest {

  private static final long FAST_FORWARDED = 99_999;

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
    repo.updater().refresh();
  }

  @Test
  void aFastForwardedTimestampBlocksTheRealOneUntilTheKeyRotates() {
    fastForwardTimestamp();
    repo.timestampVersion = 2;
    repo.publishTimestamp();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "timestamp version 2 was offered, older than the trusted version " + FAST_FORWARDED);

    assertEquals(FAST_FORWARDED, repo.trustedVersion("timestamp"));
  }

  @Test
  void trustsALowerTimestampSignedByTheKeyThatRootRotatedIn() {
    fastForwardTimestamp();
    repo.replaceKeys("timestamp");
    repo.newRoot();
    repo.timestampVersion = 2;
    repo.publishTimestamp();

    repo.updater().refresh();

    assertEquals(Map.of("root", 2L, "timestamp", 2L), versions("root", "timestamp"));
  }

  @Test
  void trustsALowerSnapshotOnceRootRotatesTheSnapshotAndTimestampKeys() {
    fastForwardSnapshot();
    repo.replaceKeys("snapshot");
    repo.replaceKeys("timestamp");
    repo.newRoot();
    repo.snapshotVersion = 2;
    repo.publishSnapshot();
    repo.newTimestamp();

    repo.updater().refresh();

    assertEquals(Map.of("root", 2L, "snapshot", 2L), versions("root", "snapshot"));
  }

  @Test
  void keepsRefusingTheLowerSnapshotWhileTheTimestampKeyIsUnchanged() {
    fastForwardSnapshot();
    repo.replaceKeys("snapshot");
    repo.newRoot();
    repo.snapshotVersion = 2;
    repo.publishSnapshot();
    repo.newTimestamp();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "timestamp version 3 lists snapshot version 2, older than the trusted snapshot version "
            + FAST_FORWARDED);

    assertEquals(FAST_FORWARDED, repo.trustedVersion("snapshot"));
  }

  @Test
  void trustsLowerTargetsOnceRootRotatesTheTargetsAndSnapshotKeys() {
    repo.role("targets").version = FAST_FORWARDED;
    repo.publishTargets("targets");
    repo.newSnapshot();
    repo.updater().refresh();
    assertEquals(FAST_FORWARDED, repo.trustedVersion("targets"));
    repo.replaceKeys("targets");
    repo.replaceKeys("snapshot");
    repo.replaceKeys("timestamp");
    repo.newRoot();
    repo.role("targets").version = 2;
    repo.publishTargets("targets");
    repo.newSnapshot();

    repo.updater().refresh();

    assertEquals(Map.of("root", 2L, "targets", 2L), versions("root", "targets"));
  }

  /** The attacker, holding the timestamp key, made the client trust a far-away version. */
  private void fastForwardTimestamp() {
    repo.timestampVersion = FAST_FORWARDED;
    repo.publishTimestamp();
    repo.updater().refresh();
    assertEquals(FAST_FORWARDED, repo.trustedVersion("timestamp"));
  }

  /** The attacker, holding the snapshot and timestamp keys, did the same to the snapshot. */
  private void fastForwardSnapshot() {
    repo.snapshotVersion = FAST_FORWARDED;
    repo.publishSnapshot();
    repo.newTimestamp();
    repo.updater().refresh();
    assertEquals(FAST_FORWARDED, repo.trustedVersion("snapshot"));
  }

  private Map<String, Long> versions(String... roles) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String role : roles) {
      out.put(role, repo.trustedVersion(role));
    }
    return out;
  }
}
