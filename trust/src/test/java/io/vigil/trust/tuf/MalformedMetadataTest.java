package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException.Code;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metadata that is not what the specification says: the parser refuses it as {@link
 * Code#MALFORMED}, naming the field, before any of it is trusted, even when the right key signed
 * it.
 */
class MalformedMetadataTest {

  @TempDir Path base;
  RepositoryFixture repo;

  @BeforeEach
  void trustVersion1() {
    repo = RepositoryFixture.started(base);
    repo.updater().refresh();
  }

  @Test
  void refusesATimestampThatIsNotJson() {
    repo.write("timestamp.json", "{\"signed\": ".getBytes(UTF_8));

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp metadata is not valid JSON");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesDataAfterTheDocument() {
    byte[] signed = repo.newTimestamp();
    repo.write("timestamp.json", (new String(signed, UTF_8) + "{}").getBytes(UTF_8));

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp metadata is not valid JSON");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAVersionWrittenAsAString() {
    serveTimestamp(signed -> signed.put("version", "2"));

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp.version must be an integer");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAVersionWrittenAsAFloat() {
    String signed = new String(repo.newTimestamp(), UTF_8);
    repo.write(
        "timestamp.json", signed.replace("\"version\" : 2,", "\"version\" : 2.0,").getBytes(UTF_8));

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp.version must be an integer");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2031-01-01 00:00:00",
        "2031-01-01T00:00:00+00:00",
        "2031-01-01T00:00:00.000Z",
        "2031-02-30T00:00:00Z",
        "2031-1-1T00:00:00Z"
      })
  void refusesAnExpiryInAnotherFormat(String expires) {
    serveTimestamp(signed -> signed.put("expires", expires));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "timestamp.expires must read YYYY-MM-DDTHH:MM:SSZ, not '" + expires + "'");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesASnapshotServedAsTheTimestamp() {
    repo.write("timestamp.json", repo.read("1.snapshot.json"));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "expected timestamp metadata, found _type 'snapshot'");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAnUnsupportedSpecificationVersion() {
    serveTimestamp(signed -> signed.put("spec_version", "2.0"));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "timestamp.spec_version 2.0 is not supported; this client reads 1.x");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesASpecificationVersionThatIsNotANumber() {
    serveTimestamp(signed -> signed.put("spec_version", "1.0.x"));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "timestamp.spec_version '1.0.x' is not a version number");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesDuplicateKeys() {
    String signed = new String(repo.newTimestamp(), UTF_8);
    String twice = signed.replaceFirst("\"_type\"", "\"version\" : 99,\n    \"_type\"");
    repo.write("timestamp.json", twice.getBytes(UTF_8));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "timestamp metadata is not valid JSON",
        "Duplicate field 'version'");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAFloatEvenInAFieldItDoesNotKnow() {
    String signed = new String(repo.newTimestamp(), UTF_8);
    repo.write(
        "timestamp.json",
        signed.replaceFirst("\"_type\"", "\"x-ratio\" : 0.5,\n    \"_type\"").getBytes(UTF_8));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "canonical JSON has no floating-point numbers");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesAStringThatCanonicalJsonCannotEncode() {
    String signed =
        new String(
            RepositoryFixture.signJson(
                withTimestamp2(s -> s.put("x-note", "?")), repo.signers("timestamp")),
            UTF_8);
    repo.write("timestamp.json", signed.replace("\"?\"", "\"\\ud800\"").getBytes(UTF_8));

    assertRefused(Code.MALFORMED, () -> repo.updater().refresh(), "unpaired surrogate");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesSignaturesThatAreNotAList() {
    byte[] file = RepositoryFixture.edit(repo.newTimestamp(), doc -> doc.putObject("signatures"));
    repo.write("timestamp.json", file);

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp.signatures must be a list");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesATimestampThatListsNoSnapshot() {
    serveTimestamp(signed -> signed.putObject("meta"));

    assertRefused(
        Code.MALFORMED, () -> repo.updater().refresh(), "timestamp.meta must list snapshot.json");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesARootWithoutATimestampRole() {
    repo.rootVersion = 2;
    ObjectNode root = repo.root().toJson();
    ((ObjectNode) root.get("roles")).remove("timestamp");
    repo.write("2.root.json", RepositoryFixture.signJson(root, repo.signers("root")));

    assertRefused(Code.MALFORMED, () -> repo.updater().refresh(), "root.roles must define exactly");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void refusesARoleWithThresholdZero() {
    repo.rootVersion = 2;
    ObjectNode root = repo.root().toJson();
    ((ObjectNode) root.get("roles").get("snapshot")).put("threshold", 0);
    repo.write("2.root.json", RepositoryFixture.signJson(root, repo.signers("root")));

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "root.roles.snapshot.threshold must be at least 1, not 0");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void refusesATargetWithoutHashes() {
    repo.role("targets").version = 2;
    ObjectNode targets = repo.targets("targets").toJson();
    ((ObjectNode) targets.get("targets")).putObject("models/a.bin").put("length", 3);
    serveTargets2(targets);

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "targets.targets.models/a.bin.hashes must be a non-empty object");

    assertEquals(1, repo.trustedVersion("targets"));
  }

  @Test
  void refusesADelegationWithBothPathsAndHashPrefixes() {
    repo.role("targets").version = 2;
    ObjectNode targets = repo.targets("targets").toJson();
    ObjectNode delegations = targets.putObject("delegations");
    delegations.putObject("keys");
    ObjectNode role = delegations.putArray("roles").addObject();
    role.put("name", "vendor-a").put("threshold", 1).put("terminating", false);
    role.putArray("keyids");
    role.putArray("paths").add("a/*");
    role.putArray("path_hash_prefixes").add("ab");
    serveTargets2(targets);

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "targets.delegations.roles[](vendor-a) has both paths and path_hash_prefixes");

    assertEquals(1, repo.trustedVersion("targets"));
  }

  @Test
  void refusesADelegatedRoleNamedLikeATopLevelRole() {
    repo.delegate("targets", "vendor-a", false, List.of("a/*"));
    repo.role("targets").version = 2;
    ObjectNode targets = repo.targets("targets").toJson();
    ((ObjectNode) targets.get("delegations").get("roles").get(0)).put("name", "snapshot");
    serveTargets2(targets);

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().refresh(),
        "a delegated role cannot be named snapshot");

    assertEquals(1, repo.trustedVersion("targets"));
  }

  private ObjectNode withTimestamp2(Consumer<ObjectNode> change) {
    repo.timestampVersion = 2;
    ObjectNode signed = repo.timestamp().toJson();
    change.accept(signed);
    return signed;
  }

  /** Timestamp version 2, changed by {@code change} and then signed by the timestamp key. */
  private void serveTimestamp(Consumer<ObjectNode> change) {
    repo.write(
        "timestamp.json",
        RepositoryFixture.signJson(withTimestamp2(change), repo.signers("timestamp")));
  }

  /** {@code targets} signed by the targets key as version 2, listed by the next snapshot. */
  private void serveTargets2(ObjectNode targets) {
    byte[] file = RepositoryFixture.signJson(targets, repo.signers("targets"));
    repo.write("2.targets.json", file);
    repo.published.put("targets.json", RepositoryFixture.meta(2, file));
    repo.newSnapshot();
  }
}
