package io.vigil.trust.tuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.TrustException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Hostile bytes as TUF metadata of each role, and offered to a client that trusts a root: each is
 * read or refused with {@link TrustException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} these run once over the seeds in {@code MetadataFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class MetadataFuzzTest {

  private static final byte[] TRUSTED_ROOT = trustedRoot();

  @FuzzTest(maxDuration = "30s")
  void readsMetadataOfEveryRoleOrRefusesIt(byte[] bytes) {
    try {
      Metadata<Root> root = Metadata.root(bytes);
      // Verifying against its own keys reads every key it names (Ed25519, ECDSA, RSA in PEM).
      root.verify("root", root.signed().role("root"), root.signed().keys());
    } catch (TrustException expected) {
      // refused with a code
    }
    try {
      Metadata.timestamp(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
    try {
      Metadata.snapshot(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
    try {
      Metadata.targets(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
  }

  @FuzzTest(maxDuration = "30s")
  void offersMetadataToAClientThatTrustsARoot(byte[] bytes) {
    try {
      new TrustedSet(TRUSTED_ROOT, RepositoryFixture.START).updateRoot(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
    try {
      new TrustedSet(TRUSTED_ROOT, RepositoryFixture.START).updateTimestamp(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
  }

  private static byte[] trustedRoot() {
    try {
      return RepositoryFixture.started(Files.createTempDirectory("vigil-fuzz-tuf"))
          .read("1.root.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
