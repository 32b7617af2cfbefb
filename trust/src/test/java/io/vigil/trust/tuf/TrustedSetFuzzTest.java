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
  // One set per kind of update, made once: verifying the trusted root on every input (Ed25519 in
  // the JDK) kept the fuzzer at 150 inputs a second. A refused update leaves a set as it was.
  private static final TrustedSet FOR_ROOTS = new TrustedSet(TRUSTED_ROOT, RepositoryFixture.START);
  private static final TrustedSet FOR_TIMESTAMPS =
      new TrustedSet(TRUSTED_ROOT, RepositoryFixture.START);

  @FuzzTest(maxDuration = "5s")
  void offersMetadataToAClientThatTrustsARoot(byte[] bytes) {
    try {
      FOR_ROOTS.updateRoot(bytes);
    } catch (TrustException expected) {
      // refused with a code
    }
    try {
      FOR_TIMESTAMPS.updateTimestamp(bytes);
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
