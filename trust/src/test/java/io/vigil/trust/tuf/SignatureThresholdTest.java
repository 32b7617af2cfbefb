package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.trust.TrustException.Code;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.tuf.RepositoryFixture.Signer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forged and missing signatures (TUF 5.4.2 and its kin): only valid signatures by distinct keys
 * that the role trusts count toward its threshold, and a key counts once however it is listed.
 */
class SignatureThresholdTest {

  @TempDir Path base;

  @Test
  void refusesATimestampWithAForgedSignature() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    byte[] forged = RepositoryFixture.flipSignatureBit(repo.newTimestamp(), 0);
    repo.write("timestamp.json", forged);

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 2 has 0 valid signature(s) by distinct trusted keys",
        "its threshold is 1");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesTargetsRewrittenAfterTheyWereSigned() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    repo.role("targets").version++;
    byte[] rewritten =
        RepositoryFixture.editSigned(
            repo.publishTargets("targets"),
            signed ->
                signed
                    .with("targets")
                    .putObject("evil.bin")
                    .put("length", 1)
                    .putObject("hashes")
                    .put("sha256", "00".repeat(32)));
    repo.write("2.targets.json", rewritten);
    repo.published.put("targets.json", RepositoryFixture.meta(2, rewritten));
    repo.newSnapshot();

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "targets metadata version 2 has 0 valid signature(s)");

    assertEquals(1, repo.trustedVersion("targets"));
    assertEquals(2, repo.trustedVersion("snapshot"));
  }

  @Test
  void refusesATimestampSignedByAKeyThatRootTrustsForAnotherRole() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    repo.signers.put("timestamp", new ArrayList<>(List.of(repo.key("snapshot"))));
    repo.newTimestamp();

    assertRefused(
        Code.UNSIGNED, () -> repo.updater().refresh(), "timestamp metadata version 2 has 0 valid");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesATimestampSignedByOneOfTheTwoKeysItsThresholdNeeds() {
    RepositoryFixture repo = withTimestampThreshold2();
    repo.signers("timestamp").remove(1);
    repo.newTimestamp();

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 2 has 1 valid signature(s) by distinct trusted keys",
        "its threshold is 2");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAValidAndAForgedSignatureUnderThreshold2() {
    RepositoryFixture repo = withTimestampThreshold2();
    byte[] forged = RepositoryFixture.flipSignatureBit(repo.newTimestamp(), 1);
    repo.write("timestamp.json", forged);

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 2 has 1 valid signature(s)");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void acceptsATimestampSignedByBothKeysOfThreshold2() {
    RepositoryFixture repo = withTimestampThreshold2();
    repo.newTimestamp();

    repo.updater().refresh();

    assertEquals(2, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesTwoSignaturesWithTheSameKeyIdAsMalformed() {
    RepositoryFixture repo = withTimestampThreshold2();
    repo.signers("timestamp").remove(1);
    byte[] twice = RepositoryFixture.duplicateFirstSignature(repo.newTimestamp());
    repo.write("timestamp.json", twice);

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "timestamp carries two signatures by key " + repo.key("timestamp").keyId());

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void countsOneKeyListedUnderTwoKeyIdsOnce() {
    RepositoryFixture repo = new RepositoryFixture(base);
    Signer key = repo.key("timestamp");
    listTwice(repo, key, "an-alias-of-the-timestamp-key", key.publicKey());
    repo.publishEverything();
    repo.initializeClient();

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 1 has 1 valid signature(s) by distinct trusted keys",
        "its threshold is 2");

    assertFalse(repo.trusts("timestamp"));
  }

  @Test
  void countsOneKeyWrittenTwoWaysOnce() {
    RepositoryFixture repo = new RepositoryFixture(base);
    Signer key = repo.key("timestamp");
    PublicKey upperCase =
        new PublicKey(
            key.publicKey().keyType(),
            key.publicKey().scheme(),
            key.publicKey().publicValue().toUpperCase(Locale.ROOT));
    listTwice(repo, key, upperCase.keyId(), upperCase);
    repo.publishEverything();
    repo.initializeClient();

    assertRefused(
        Code.UNSIGNED,
        () -> repo.updater().refresh(),
        "timestamp metadata version 1 has 1 valid signature(s) by distinct trusted keys");

    assertFalse(repo.trusts("timestamp"));
  }

  @Test
  void aSignatureThatIsNotHexCountsForNothing() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    repo.updater().refresh();
    byte[] notHex =
        RepositoryFixture.edit(
            repo.newTimestamp(),
            doc ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("signatures").get(0))
                    .put("sig", "not hex at all"));
    repo.write("timestamp.json", notHex);

    assertRefused(
        Code.UNSIGNED, () -> repo.updater().refresh(), "timestamp metadata version 2 has 0 valid");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  /** Root version 1 trusts two timestamp keys with threshold 2; the client trusts timestamp 1. */
  private RepositoryFixture withTimestampThreshold2() {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.addKey("timestamp");
    repo.threshold("timestamp", 2);
    repo.publishEverything();
    repo.initializeClient();
    repo.updater().refresh();
    assertEquals(1, repo.trustedVersion("timestamp"));
    return repo;
  }

  /**
   * Lists {@code key}'s public key a second time, as {@code alias} under {@code aliasId}, in a
   * threshold-2 timestamp role, and makes the key sign under both ids: the attacker who holds one
   * key tries to pass for two.
   */
  private static void listTwice(
      RepositoryFixture repo, Signer key, String aliasId, PublicKey alias) {
    repo.rootKeys.put(aliasId, alias);
    repo.rootRoles.put("timestamp", new Role(List.of(key.keyId(), aliasId), 2));
    Map<String, Signer> both = new LinkedHashMap<>();
    both.put(key.keyId(), key);
    both.put(aliasId, key);
    repo.signAs.put("timestamp", both);
  }
}
