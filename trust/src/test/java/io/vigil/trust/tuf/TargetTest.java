package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arbitrary software and endless data (TUF 5.7.3, and the length caps of 5.3 to 5.6): target bytes
 * must be exactly those signed, and no file is read past its signed length or its kind's cap.
 */
class TargetTest {

  private static final byte[] MODEL = "the approved model".getBytes(UTF_8);

  @TempDir Path base;
  RepositoryFixture repo;
  TargetFile model;

  @BeforeEach
  void publishAModel() {
    repo = RepositoryFixture.started(base);
    model = repo.addTarget("models/a.vbundle", MODEL);
    repo.newTargets("targets");
  }

  @Test
  void refusesTargetBytesThatDifferFromTheSignedHash() {
    byte[] other = "an evil model bytes".getBytes(UTF_8);
    repo.writeTarget(repo.targetFileName(model), Arrays.copyOf(other, MODEL.length));
    Updater updater = repo.updater();

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> updater.download(updater.targetInfo("models/a.vbundle").orElseThrow()),
        "target models/a.vbundle does not match its signed sha256 " + Sha256.hex(MODEL));
  }

  @Test
  void stopsReadingATargetAtItsSignedLength() {
    byte[] endless = Arrays.copyOf(MODEL, MODEL.length + 1_000_000);
    repo.writeTarget(repo.targetFileName(model), endless);
    Updater updater = repo.updater();

    assertRefused(
        Code.TOO_LONG,
        () -> updater.download(updater.targetInfo("models/a.vbundle").orElseThrow()),
        "a.vbundle has " + endless.length + " bytes, over its cap of " + MODEL.length);
  }

  @Test
  void refusesATargetShorterThanItsSignedLength() {
    repo.writeTarget(repo.targetFileName(model), Arrays.copyOf(MODEL, 4));
    Updater updater = repo.updater();

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> updater.download(updater.targetInfo("models/a.vbundle").orElseThrow()),
        "target models/a.vbundle has 4 bytes; its signed length is " + MODEL.length);
  }

  @Test
  void saysWhenTheRepositoryLacksATarget() throws Exception {
    Files.delete(repo.dir.resolve("targets").resolve(repo.targetFileName(model)));
    Updater updater = repo.updater();

    assertRefused(
        Code.FETCH_FAILED,
        () -> updater.download(model),
        "has no target models/" + Sha256.hex(MODEL) + ".a.vbundle");
  }

  @Test
  void neverReadsATargetFromOutsideTheRepository() throws Exception {
    byte[] secret = "outside".getBytes(UTF_8);
    Files.write(base.resolve(Sha256.hex(secret) + ".secret"), secret);
    TargetFile escaping =
        new TargetFile(
            "../../" + "secret",
            secret.length,
            Map.of("sha256", Sha256.hex(secret)),
            Optional.empty());

    assertRefused(
        Code.MALFORMED,
        () -> repo.updater().download(escaping),
        "target ../../" + Sha256.hex(secret) + ".secret points outside the repository");
  }

  @Test
  void refusesATargetThatIsALink() throws Exception {
    Path file = repo.dir.resolve("targets").resolve(repo.targetFileName(model));
    Path elsewhere = base.resolve("elsewhere");
    Files.move(file, elsewhere);
    Files.createSymbolicLink(file, elsewhere);
    Updater updater = repo.updater();

    assertRefused(Code.FETCH_FAILED, () -> updater.download(model), "is not a regular file");
  }

  @Test
  void refusesATimestampOverItsCap() {
    repo.updater().refresh();
    byte[] signed = repo.newTimestamp();
    int cap = (int) Updater.Limits.DEFAULT.timestampMaxLength();
    byte[] padded = Arrays.copyOf(signed, cap + 1);
    Arrays.fill(padded, signed.length, padded.length, (byte) ' ');
    repo.write("timestamp.json", padded);

    assertRefused(
        Code.TOO_LONG,
        () -> repo.updater().refresh(),
        "metadata file timestamp.json has " + (cap + 1) + " bytes, over its cap of " + cap);

    assertEquals(2, repo.trustedVersion("timestamp"));
  }

  @Test
  void refusesARootOverItsCap() {
    repo.limits = new Updater.Limits(256, 32, 2_000, 16_384, 2_000_000, 5_000_000);
    for (int i = 0; i < 20; i++) {
      repo.addKey("targets");
    }
    byte[] root2 = repo.newRoot();

    assertRefused(
        Code.TOO_LONG,
        () -> repo.updater().refresh(),
        "metadata file 2.root.json has " + root2.length + " bytes, over its cap of 2000");

    assertEquals(1, repo.trustedVersion("root"));
  }

  @Test
  void stopsReadingASnapshotAtTheLengthTheTimestampSigned() {
    repo.updater().refresh();
    repo.addTarget("models/b.vbundle", new byte[] {2});
    repo.role("targets").version++;
    repo.publishTargets("targets");
    repo.snapshotVersion++;
    byte[] snapshot = repo.publishSnapshot();
    MetaFile listed = repo.published.get("snapshot.json");
    repo.published.put(
        "snapshot.json", new MetaFile(listed.version(), OptionalLong.of(100), listed.hashes()));
    repo.newTimestamp();

    assertRefused(
        Code.TOO_LONG,
        () -> repo.updater().refresh(),
        "metadata file 3.snapshot.json has " + snapshot.length + " bytes, over its cap of 100");

    assertEquals(2, repo.trustedVersion("snapshot"));
  }

  @Test
  void capsTargetsMetadataThatTheSnapshotListsWithoutALength() {
    repo.limits = new Updater.Limits(256, 32, 512_000, 16_384, 2_000_000, 300);
    repo.role("targets").version++;
    byte[] targets = repo.publishTargets("targets");
    repo.published.put("targets.json", new MetaFile(3, OptionalLong.empty(), Map.of()));
    repo.newSnapshot();

    assertRefused(
        Code.TOO_LONG,
        () -> repo.updater().refresh(),
        "metadata file 3.targets.json has " + targets.length + " bytes, over its cap of 300");

    assertFalse(repo.trusts("targets"));
  }
}
