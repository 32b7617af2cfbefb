package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.START;
import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The section 5 state machine on its own: metadata goes in only in the specification's order. */
class TrustedSetTest {

  @TempDir Path base;
  RepositoryFixture repo;
  TrustedSet set;

  @BeforeEach
  void trustRoot1() {
    repo = RepositoryFixture.started(base);
    set = new TrustedSet(repo.read("1.root.json"), START);
  }

  @Test
  void refusesATrustedRootThatItsOwnThresholdDidNotSign() {
    byte[] unsigned = RepositoryFixture.sign(repo.root(), List.of());

    assertRefused(
        Code.UNSIGNED,
        () -> new TrustedSet(unsigned, START),
        "the trusted root metadata version 1 has 0 valid signature(s)");
  }

  @Test
  void takesTheRolesInTheSpecificationsOrder() {
    set.updateTimestamp(repo.read("timestamp.json"));
    set.updateSnapshot(repo.read("1.snapshot.json"), false);
    set.updateTargets(repo.read("1.targets.json"), "targets", "root");

    assertEquals(1, set.targets("targets").orElseThrow().version());
  }

  @Test
  void refusesANewRootOnceTheTimestampIsLoaded() {
    set.updateTimestamp(repo.read("timestamp.json"));
    byte[] root2 = repo.newRoot();

    assertThrows(IllegalStateException.class, () -> set.updateRoot(root2));
    assertEquals(1, set.root().version());
  }

  @Test
  void refusesASnapshotBeforeTheTimestamp() {
    assertThrows(
        IllegalStateException.class, () -> set.updateSnapshot(repo.read("1.snapshot.json"), false));
    assertTrue(set.snapshot().isEmpty());
  }

  @Test
  void refusesTargetsBeforeTheSnapshot() {
    set.updateTimestamp(repo.read("timestamp.json"));

    assertThrows(
        IllegalStateException.class,
        () -> set.updateTargets(repo.read("1.targets.json"), "targets", "root"));
    assertTrue(set.targets("targets").isEmpty());
  }

  @Test
  void keepsTheTrustedTimestampWhenTheSameVersionComesAgain() {
    set.updateTimestamp(repo.read("timestamp.json"));

    boolean changed = set.updateTimestamp(repo.read("timestamp.json"));

    assertFalse(changed);
    assertEquals(1, set.timestamp().orElseThrow().version());
  }

  @Test
  void keepsAnExpiredTimestampAsTrustedForTheNextRollbackCheck() {
    RepositoryFixture shortLived = new RepositoryFixture(base.resolve("short"));
    shortLived.timestampExpires = START.plus(Duration.ofDays(1));
    shortLived.publishEverything();
    TrustedSet later = new TrustedSet(shortLived.read("1.root.json"), shortLived.timestampExpires);

    assertRefused(
        Code.EXPIRED,
        () -> later.updateTimestamp(shortLived.read("timestamp.json")),
        "timestamp metadata version 1 expired");

    assertEquals(1, later.timestamp().orElseThrow().version());
  }

  @Test
  void verifiesADelegatedRoleWithItsDelegatorsKeys() {
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.newTargets("targets");
    repo.publishTargets("vendor-a");
    repo.newSnapshot();
    set.updateTimestamp(repo.read("timestamp.json"));
    set.updateSnapshot(repo.read("3.snapshot.json"), false);
    set.updateTargets(repo.read("2.targets.json"), "targets", "root");

    set.updateTargets(repo.read("1.vendor-a.json"), "vendor-a", "targets");

    assertEquals(1, set.targets("vendor-a").orElseThrow().version());
    TrustedSet asIfRootDelegated = new TrustedSet(repo.read("1.root.json"), START);
    asIfRootDelegated.updateTimestamp(repo.read("timestamp.json"));
    asIfRootDelegated.updateSnapshot(repo.read("3.snapshot.json"), false);
    assertRefused(
        Code.UNSIGNED,
        () -> asIfRootDelegated.updateTargets(repo.read("1.vendor-a.json"), "vendor-a", "root"),
        "vendor-a metadata version 1 has 0 valid");
  }
}
