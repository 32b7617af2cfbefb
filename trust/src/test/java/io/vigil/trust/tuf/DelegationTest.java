package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.tuf.RepositoryFixture.Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Delegated targets (TUF 5.6.7): a target is approved only by a role trusted for its path, found by
 * a preorder depth-first search that terminating roles end, that visits each role once and at most
 * {@link Updater.Limits#maxDelegations} roles.
 */
class DelegationTest {

  private static final byte[] MODEL = "model".getBytes(UTF_8);

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void startRepository() {
    repo = RepositoryFixture.started(base);
  }

  @Test
  void findsAndDownloadsATargetThatADelegatedRoleApproves() {
    repo.delegate("targets", "vendor-a", false, List.of("models/a/*"));
    TargetFile listed = repo.addTarget("vendor-a", "models/a/m.bin", MODEL);
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo("models/a/m.bin");

    assertEquals(Optional.of(listed), found);
    assertArrayEquals(MODEL, updater.download(found.get()));
    assertEquals(1, repo.trustedVersion("vendor-a"));
  }

  @Test
  void refusesATargetThatADelegatedRoleListsOutsideItsPaths() {
    repo.delegate("targets", "vendor-a", false, List.of("models/a/*"));
    repo.addTarget("vendor-a", "models/a/m.bin", MODEL);
    repo.addTarget("vendor-a", "models/b/evil.bin", "evil".getBytes(UTF_8));
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo("models/b/evil.bin");

    assertTrue(found.isEmpty());
    String why = updater.whyNotApproved("models/b/evil.bin");
    assertTrue(why.contains("target 'models/b/evil.bin' is listed by [vendor-a]"), why);
    assertTrue(why.contains("a delegated role signed a path outside its patterns"), why);
    assertEquals(
        List.of("models/a/m.bin"), updater.targets().stream().map(TargetFile::path).toList());
  }

  @Test
  void anAsteriskDoesNotCrossASlash() {
    repo.delegate("targets", "vendor-a", false, List.of("models/*"));
    repo.addTarget("vendor-a", "models/top.bin", MODEL);
    repo.addTarget("vendor-a", "models/deep/nested.bin", MODEL);
    publishAll();
    Updater updater = repo.updater();

    assertTrue(updater.targetInfo("models/top.bin").isPresent());
    assertTrue(updater.targetInfo("models/deep/nested.bin").isEmpty());
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "models/*, models/a.bin, true",
    "models/*, models/a/b.bin, false",
    "models/*.bin, models/a.onnx, false",
    "*, a.bin, true",
    "*, a/b.bin, false",
    "*/*, a/b.bin, true",
    "models/?.bin, models/a.bin, true",
    "models/?.bin, models/ab.bin, false",
    "models/[ab].bin, models/b.bin, true",
    "models/[!ab].bin, models/b.bin, false",
    "models/[!ab].bin, models/c.bin, true",
    "models/a+b.bin, models/a+b.bin, true",
    "models/a.bin, models/aXbin, false",
    "models/[, models/[, true",
  })
  void matchesPathPatternsAsPythonTufDoes(String pattern, String path, boolean matches) {
    boolean result = DelegatedRole.matches(pattern, path);

    assertEquals(matches, result);
  }

  @Test
  void aTerminatingRoleEndsTheSearch() {
    repo.delegate("targets", "first", true, List.of("models/*"));
    repo.delegate("targets", "second", false, List.of("models/*"));
    repo.addTarget("second", "models/m.bin", MODEL);
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo("models/m.bin");

    assertTrue(found.isEmpty());
    assertTrue(updater.whyNotApproved("models/m.bin").contains("[second]"));
  }

  @Test
  void aRoleThatDoesNotTerminateLetsTheSearchGoOn() {
    repo.delegate("targets", "first", false, List.of("models/*"));
    repo.delegate("targets", "second", false, List.of("models/*"));
    TargetFile listed = repo.addTarget("second", "models/m.bin", MODEL);
    publishAll();

    Optional<TargetFile> found = repo.updater().targetInfo("models/m.bin");

    assertEquals(Optional.of(listed), found);
  }

  @Test
  void searchesDepthFirstInTheOrderOfTheDelegations() {
    repo.delegate("targets", "first", false, List.of("models/*"));
    repo.delegate("targets", "second", false, List.of("models/*"));
    repo.delegate("first", "first-child", false, List.of("models/*"));
    repo.addTarget("second", "models/m.bin", "from second".getBytes(UTF_8));
    TargetFile fromChild = repo.addTarget("first-child", "models/m.bin", MODEL);
    publishAll();

    Optional<TargetFile> found = repo.updater().targetInfo("models/m.bin");

    assertEquals(Optional.of(fromChild), found);
  }

  @Test
  void approvesByPathHashPrefix() {
    String path = "models/m.bin";
    String prefix = Sha256.hex(path.getBytes(UTF_8)).substring(0, 2);
    String other = prefix.equals("00") ? "01" : "00";
    repo.delegateByHashPrefix("targets", "wrong-bin", List.of(other));
    repo.delegateByHashPrefix("targets", "right-bin", List.of(other, prefix));
    repo.addTarget("wrong-bin", path, "wrong".getBytes(UTF_8));
    TargetFile listed = repo.addTarget("right-bin", path, MODEL);
    publishAll();

    Optional<TargetFile> found = repo.updater().targetInfo(path);

    assertEquals(Optional.of(listed), found);
  }

  @Test
  void approvesThroughSuccinctHashBins() {
    SuccinctRoles bins = delegateToFourHashBins();
    String path = "models/m.bin";
    TargetFile listed = repo.addTarget(bins.roleFor(path), path, MODEL);
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo(path);

    assertEquals(Optional.of(listed), found);
    assertEquals(List.of(listed), updater.targets());
  }

  @Test
  void refusesATargetListedInAnotherHashBin() {
    SuccinctRoles bins = delegateToFourHashBins();
    String path = "models/m.bin";
    String wrong = bins.roleFor(path).equals("bins-0") ? "bins-1" : "bins-0";
    repo.addTarget(wrong, path, MODEL);
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> found = updater.targetInfo(path);

    assertTrue(found.isEmpty());
    assertTrue(updater.targets().isEmpty());
    String why = updater.whyNotApproved(path);
    assertTrue(why.contains("is listed by [" + wrong + "]"), why);
  }

  /** The top-level targets delegate to bins-0 to bins-3 (bit_length 2), all with one key. */
  private SuccinctRoles delegateToFourHashBins() {
    Signer key = Signer.generate();
    SuccinctRoles bins = new SuccinctRoles(new Role(List.of(key.keyId()), 1), 2, "bins");
    repo.role("targets").delegationKeys.put(key.keyId(), key.publicKey());
    repo.role("targets").succinct = Optional.of(bins);
    for (String bin : List.of("bins-0", "bins-1", "bins-2", "bins-3")) {
      assertTrue(bins.isRole(bin));
      repo.roles.put(bin, new RepositoryFixture.TargetsRole());
      repo.signers.put(bin, new ArrayList<>(List.of(key)));
    }
    return bins;
  }

  @Test
  @Timeout(10)
  void endsTheSearchInADelegationCycle() {
    repo.delegate("targets", "a", false, List.of("*"));
    repo.delegate("a", "b", false, List.of("*"));
    repo.delegate("b", "a", false, List.of("*"));
    repo.addTarget("b", "in-b.bin", MODEL);
    publishAll();
    Updater updater = repo.updater();

    Optional<TargetFile> missing = updater.targetInfo("nowhere.bin");
    Optional<TargetFile> inB = updater.targetInfo("in-b.bin");

    assertTrue(missing.isEmpty());
    assertTrue(inB.isPresent());
    assertEquals(List.of("in-b.bin"), updater.targets().stream().map(TargetFile::path).toList());
  }

  @Test
  void visitsNoMoreRolesThanTheLimit() {
    String parent = "targets";
    for (String role : List.of("r1", "r2", "r3", "r4")) {
      repo.delegate(parent, role, false, List.of("*"));
      parent = role;
    }
    repo.addTarget("r4", "deep.bin", MODEL);
    publishAll();
    repo.limits = new Updater.Limits(256, 4, 512_000, 16_384, 2_000_000, 5_000_000);
    Optional<TargetFile> withinLimit = repo.updater().targetInfo("deep.bin");
    repo.limits = new Updater.Limits(256, 3, 512_000, 16_384, 2_000_000, 5_000_000);

    Optional<TargetFile> pastLimit = repo.updater().targetInfo("deep.bin");

    assertTrue(withinLimit.isPresent());
    assertTrue(pastLimit.isEmpty());
  }

  @Test
  void refusesADelegatedRoleSignedByAKeyItsDelegatorDoesNotTrust() {
    repo.delegate("targets", "vendor-a", false, List.of("models/*"));
    repo.addTarget("vendor-a", "models/m.bin", MODEL);
    repo.signers.put("vendor-a", new ArrayList<>(List.of(repo.key("targets"))));
    publishAll();
    Updater updater = repo.updater();

    assertRefused(
        Code.UNSIGNED,
        () -> updater.targetInfo("models/m.bin"),
        "vendor-a metadata version 1 has 0 valid signature(s) by distinct trusted keys");

    assertFalse(repo.trusts("vendor-a"));
  }

  @Test
  void storesARoleUnderItsUrlEncodedName() {
    repo.delegate("targets", "vendor/a b", false, List.of("models/*"));
    TargetFile listed = repo.addTarget("vendor/a b", "models/m.bin", MODEL);
    publishAll();

    Optional<TargetFile> found = repo.updater().targetInfo("models/m.bin");

    assertEquals(Optional.of(listed), found);
    assertTrue(Files.exists(repo.dir.resolve("metadata/1.vendor%2Fa%20b.json")));
    assertTrue(Files.exists(repo.client.resolve("vendor%2Fa%20b.json")));
  }

  @Test
  void readsADelegatedRoleFromTheStoreAfterARestart() throws Exception {
    repo.delegate("targets", "vendor-a", false, List.of("models/*"));
    repo.addTarget("vendor-a", "models/m.bin", MODEL);
    publishAll();
    repo.updater().targetInfo("models/m.bin");
    Files.delete(repo.dir.resolve("metadata/1.vendor-a.json"));

    Optional<TargetFile> found = repo.updater().targetInfo("models/m.bin");

    assertTrue(found.isPresent());
  }

  /** Publishes every targets role at version 1, then a new snapshot and timestamp. */
  private void publishAll() {
    repo.roles.keySet().forEach(repo::publishTargets);
    repo.newSnapshot();
  }
}
