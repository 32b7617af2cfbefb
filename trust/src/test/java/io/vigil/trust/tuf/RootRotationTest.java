package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.trust.TrustException.Code;
import io.vigil.trust.tuf.RepositoryFixture.Signer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root rotation (TUF 5.3): each new root is the next version, signed by the threshold of the root
 * the client trusts and by its own; anything else is a bad rotation and the trusted root stays.
 */
class RootRotationTest {

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
    repo.updater().refresh();
  }

  @Test
  void acceptsTheNextRootSignedByTheOldAndTheNewRootKeys() {
    Signer old = repo.key("root");
    Signer fresh = repo.replaceKeys("root");
    repo.signers("root").add(old);
    repo.newRoot();

    Updater updater = repo.updater();
    updater.refresh();

    assertEquals(2, repo.trustedVersion("root"));
    assertEquals(List.of(fresh.keyId()), updater.root().role("root").keyIds());
  }

  @Test
  void followsRotationsOneVersionAtATime() {
    for (int i = 0; i < 3; i++) {
      Signer old = repo.key("root");
      repo.replaceKeys("root");
      repo.signers("root").add(old);
      repo.newRoot();
    }

    repo.updater().refresh();

    assertEquals(4, repo.trustedVersion("root"));
  }

  @Test
  void refusesASkippedRootVersion() {
    repo.rootVersion = 3;
    repo.write("2.root.json", repo.publishRoot());

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> repo.updater().refresh(),
        "root version 3 was offered where version 2 must come next");

    assertEquals(
        Map.of("root", 1L, "timestamp", 1L, "snapshot", 1L, "targets", 1L), repo.trustedVersions());
  }

  @Test
  void refusesTheTrustedRootReplayedAsTheNextVersion() {
    repo.write("2.root.json", repo.read("1.root.json"));

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> repo.updater().refresh(),
        "root version 1 was offered where version 2 must come next");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void refusesANewRootThatTheTrustedRootKeysDidNotSign() {
    repo.replaceKeys("root");
    repo.newRoot();

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> repo.updater().refresh(),
        "not signed by the threshold of trusted root version 1",
        "root metadata version 2 has 0 valid signature(s)");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void refusesANewRootThatItsOwnKeysDidNotSign() {
    Signer old = repo.key("root");
    repo.replaceKeys("root");
    repo.signers.put("root", new ArrayList<>(List.of(old)));
    repo.newRoot();

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> repo.updater().refresh(),
        "not signed by its own threshold",
        "root metadata version 2 has 0 valid signature(s)");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void refusesANewRootSignedByOneOfTheTwoKeysTheTrustedRootRequires(@TempDir Path other) {
    RepositoryFixture twoKeys = new RepositoryFixture(other);
    Signer second = twoKeys.addKey("root");
    twoKeys.threshold("root", 2);
    twoKeys.publishEverything();
    twoKeys.initializeClient();
    twoKeys.signers("root").remove(second);
    twoKeys.threshold("root", 1);
    twoKeys.newRoot();

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> twoKeys.updater().refresh(),
        "not signed by the threshold of trusted root version 1",
        "has 1 valid signature(s) by distinct trusted keys; its threshold is 2");

    assertEquals(1, twoKeys.trustedVersion("root"));
    assertFalse(twoKeys.trusts("timestamp"));
  }

  @Test
  void keepsTheRootsItAcceptedBeforeABadOne() {
    repo.newRoot();
    repo.replaceKeys("root");
    repo.newRoot();

    assertRefused(
        Code.BAD_ROOT_ROTATION,
        () -> repo.updater().refresh(),
        "not signed by the threshold of trusted root version 2",
        "root metadata version 3");

    assertEquals(2, repo.trustedVersion("root"));
  }

  @Test
  void stopsAfterTheMostRotationsOneRefreshMayFollow() {
    repo.newRoot();
    repo.newRoot();
    repo.newRoot();
    repo.limits = new Updater.Limits(2, 32, 512_000, 16_384, 2_000_000, 5_000_000);

    repo.updater().refresh();

    assertEquals(3, repo.trustedVersion("root"));
  }

  @Test
  void noLongerAcceptsATimestampSignedByTheKeyTheNewRootReplaced() {
    Signer retired = repo.key("timestamp");
    repo.replaceKeys("timestamp");
    repo.newRoot();
    repo.signers.put("timestamp", new ArrayList<>(List.of(retired)));
    repo.newTimestamp();

    assertRefused(
        Code.UNSIGNED, () -> repo.updater().refresh(), "timestamp metadata version 2 has 0 valid");

    assertEquals(2, repo.trustedVersion("root"));
    assertEquals(1, repo.trustedVersion("timestamp"));
  }
}
