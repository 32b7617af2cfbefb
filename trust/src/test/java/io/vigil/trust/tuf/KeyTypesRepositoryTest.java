package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.trust.TrustException.Code;
import io.vigil.trust.key.ForeignKeys;
import io.vigil.trust.tuf.RepositoryFixture.Signer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository whose root needs four keys of four schemes (ed25519, ecdsa-sha2-nistp256,
 * rsassa-pss-sha256, rsa-pkcs1v15-sha256) and whose other roles sign with the non-Ed25519 ones,
 * read end to end by the Updater.
 */
class KeyTypesRepositoryTest {

  @TempDir Path base;
  RepositoryFixture repo;
  List<Signer> rootSigners;

  @BeforeEach
  void createRepositoryWithFourKeyTypes() {
    repo = new RepositoryFixture(base);
    Signer ed25519 = repo.key("root");
    Signer ecdsa = foreign(ForeignKeys.ecdsa("ecdsa"));
    Signer pss = foreign(ForeignKeys.rsaPss(ForeignKeys.generate("RSA", 2048), 32));
    Signer pkcs1 = foreign(ForeignKeys.rsaPkcs1(ForeignKeys.generate("RSA", 2048)));
    for (Signer key : List.of(ecdsa, pss, pkcs1)) {
      repo.addKey("root", key);
    }
    repo.threshold("root", 4);
    rootSigners = List.copyOf(repo.signers("root"));
    use("timestamp", ForeignKeys.ecdsa("ecdsa-sha2-nistp256"));
    use("snapshot", ForeignKeys.rsaPss(ForeignKeys.generate("RSA", 2048), 222));
    use("targets", ForeignKeys.rsaPkcs1(ForeignKeys.generate("RSA", 3072)));
    repo.publishEverything();
    repo.initializeClient();
  }

  @Test
  void readsARepositorySignedWithFourKeyTypes() {
    byte[] model = "model".getBytes(UTF_8);
    repo.addTarget("models/m.bin", model);
    repo.newTargets("targets");
    Updater updater = repo.updater();

    byte[] downloaded = updater.download(updater.targetInfo("models/m.bin").orElseThrow());

    assertArrayEquals(model, downloaded);
    assertEquals(4, updater.root().role("root").threshold());
    assertEquals(
        Set.of("ed25519", "ecdsa", "rsa"),
        updater.root().role("root").keyIds().stream()
            .map(id -> updater.root().keys().get(id).keyType())
            .collect(Collectors.toSet()));
  }

  @Test
  void rotatesToARootThatAllFourKeysSigned() {
    repo.newRoot();

    repo.updater().refresh();

    assertEquals(2, repo.trustedVersion("root"));
  }

  @Test
  void refusesARootThatThreeOfTheFourKeysSigned() {
    for (Signer left : rootSigners) {
      repo.signers.put(
          "root", new ArrayList<>(rootSigners.stream().filter(k -> k != left).toList()));
      repo.rootVersion = 2;
      repo.publishRoot();

      assertRefused(
          Code.BAD_ROOT_ROTATION,
          () -> repo.updater().refresh(),
          "root metadata version 2 has 3 valid signature(s) by distinct trusted keys",
          "its threshold is 4");

      assertEquals(1, repo.trustedVersion("root"), left.publicKey().scheme());
    }
  }

  @Test
  void refusesATimestampWhoseEcdsaSignatureWasTamperedWith() {
    repo.updater().refresh();
    repo.write("timestamp.json", RepositoryFixture.flipSignatureBit(repo.newTimestamp(), 0));

    assertRefused(
        Code.UNSIGNED, () -> repo.updater().refresh(), "timestamp metadata version 2 has 0 valid");

    assertEquals(1, repo.trustedVersion("timestamp"));
  }

  private static Signer foreign(ForeignKeys.Pair key) {
    return new Signer(key.tufKey(), key::sign, Optional.empty());
  }

  /** Makes {@code key} the only key of top-level {@code role}. */
  private void use(String role, ForeignKeys.Pair key) {
    Signer signer = foreign(key);
    List<String> old = repo.rootRoles.get(role).keyIds();
    old.forEach(repo.rootKeys::remove);
    repo.rootKeys.put(signer.keyId(), signer.publicKey());
    repo.rootRoles.put(role, new Role(List.of(signer.keyId()), 1));
    repo.signers.put(role, new ArrayList<>(List.of(signer)));
  }
}
