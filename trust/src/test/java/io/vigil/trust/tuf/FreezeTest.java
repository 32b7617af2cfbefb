package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.START;
import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freeze attacks (TUF 5.3.10, 5.4.5, 5.5.6, 5.6.6): metadata past its expiry is refused, and an
 * expired trusted timestamp or snapshot still guards against rollback (go-tuf CVE-2022-29173).
 */
class FreezeTest {

  private static final Duration DAY = Duration.ofDays(1);

  @TempDir Path base;

  @Test
  void refusesAnExpiredRoot() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.rootExpires = START.plus(DAY);
    repo.publishEverything();
    repo.initializeClient();
    repo.updater().refresh();
    repo.clock.advance(DAY.multipliedBy(2));
    repo.newTimestamp();

    assertRefused(
        Code.EXPIRED,
        () -> repo.updater().refresh(),
        "root metadata version 1 expired at 2030-01-02T00:00:00Z",
        "(now 2030-01-03T00:00:00Z)");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void movesPastAnExpiredRootToTheNextOne() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.rootExpires = START.plus(DAY);
    repo.publishEverything();
    repo.initializeClient();
    repo.clock.advance(DAY.multipliedBy(2));
    repo.rootExpires = START.plus(RepositoryFixture.LIFETIME);
    repo.newRoot();

    repo.updater().refresh();

    assertEquals(2, repo.trustedVersion("root"));
  }

  @Test
  void acceptsExpiredIntermediateRootsOnTheWayToAValidOne() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.rootExpires = START.plus(DAY);
    repo.publishEverything();
    repo.initializeClient();
    repo.newRoot();
    repo.rootExpires = START.plus(RepositoryFixture.LIFETIME);
    repo.newRoot();
    repo.clock.advance(DAY.multipliedBy(2));

    repo.updater().refresh();

    assertEquals(3, repo.trustedVersion("root"));
  }

  @Test
  void refusesAnExpiredTimestamp() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    repo.timestampExpires = START.plus(DAY);
    repo.newTimestamp();
    repo.clock.advance(DAY.multipliedBy(2));

    assertRefused(
        Code.EXPIRED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 2 expired at 2030-01-02T00:00:00Z");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesToGoOnWithATimestampThatExpiredWhileNothingNewCame() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.timestampExpires = START.plus(DAY);
    repo.publishEverything();
    repo.initializeClient();
    repo.updater().refresh();
    repo.clock.advance(DAY);

    assertRefused(
        Code.EXPIRED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 1 expired at 2030-01-02T00:00:00Z");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void trustsMetadataUntilTheSecondItExpires() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.timestampExpires = START.plus(DAY);
    repo.publishEverything();
    repo.initializeClient();
    repo.clock.set(START.plus(DAY).minusSeconds(1));

    repo.updater().refresh();

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAnExpiredSnapshot() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    repo.snapshotExpires = START.plus(DAY);
    repo.newSnapshot();
    repo.clock.advance(DAY.multipliedBy(2));

    assertRefused(
        Code.EXPIRED,
        () -> repo.updater().refresh(),
        "snapshot metadata version 2 expired at 2030-01-02T00:00:00Z");

    assertEquals(1, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesExpiredTargets() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    repo.role("targets").expires = START.plus(DAY);
    repo.newTargets("targets");
    repo.clock.advance(DAY.multipliedBy(2));

    assertRefused(
        Code.EXPIRED,
        () -> repo.updater().refresh(),
        "targets metadata version 2 expired at 2030-01-02T00:00:00Z");

    assertEquals(1, repo.trustedVersion("targets"));
  }

  @Test
  void refusesAnExpiredDelegatedRole() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.role("vendor-a").expires = START.plus(DAY);
    repo.addTarget("vendor-a", "a/model.bin", new byte[] {1});
    repo.newTargets("targets");
    repo.newTargets("vendor-a");
    repo.clock.advance(DAY.multipliedBy(2));
    Updater updater = repo.updater();

    assertRefused(
        Code.EXPIRED,
        () -> updater.targetInfo("a/model.bin"),
        "vendor-a metadata version 2 expired at 2030-01-02T00:00:00Z");

    assertFalse(repo.trusts("vendor-a"));
  }

  @Test
  void anExpiredTrustedTimestampStillRefusesAnOlderOne() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.timestampExpires = START.plus(DAY.multipliedBy(30));
    repo.publishEverything();
    repo.initializeClient();
    byte[] version1 = repo.read("timestamp.json");
    repo.timestampExpires = START.plus(DAY);
    repo.newTimestamp();
    repo.updater().refresh();
    repo.clock.advance(DAY.multipliedBy(2));
    repo.write("timestamp.json", version1);

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "timestamp version 1 was offered, older than the trusted version 2");

    assertEquals(2, repo.trustedVersion("timestamp"));
  }

  @Test
  void acceptsANewTimestampAfterTheTrustedOneExpired() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.timestampExpires = START.plus(DAY);
    repo.newTimestamp();
    repo.updater().refresh();
    repo.clock.advance(DAY.multipliedBy(2));
    repo.timestampExpires = repo.clock.instant().plus(DAY.multipliedBy(7));
    repo.newTimestamp();

    repo.updater().refresh();

    assertEquals(3, repo.trustedVersion("timestamp"));
  }

  @Test
  void anExpiredTrustedSnapshotStillRefusesOlderTargets() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.snapshotExpires = START.plus(DAY);
    repo.newTargets("targets");
    repo.updater().refresh();
    repo.clock.advance(DAY.multipliedBy(2));
    repo.snapshotExpires = Instant.parse("2031-01-01T00:00:00Z");
    repo.published.put("targets.json", RepositoryFixture.meta(1, repo.read("1.targets.json")));
    repo.newSnapshot();

    assertRefused(
        Code.ROLLBACK,
        () -> repo.updater().refresh(),
        "targets.json version 1 was offered, older than the trusted version 2");

    assertEquals(2, repo.trustedVersion("snapshot"));
    assertEquals(2, repo.trustedVersion("targets"));
  }
}
