package io.vigil.trust.tuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.TrustException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Hostile bytes offered as a new root and as a timestamp to a client that trusts a root (the
 * section 5 state machine): each is taken or refused with {@link TrustException}, and nothing else
 * escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code TrustedSetFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class TrustedSetFuzzTest {

  private static final byte[] TRUSTED_ROOT = trustedRoot();

  @FuzzTest(maxDuration = "10s")
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
