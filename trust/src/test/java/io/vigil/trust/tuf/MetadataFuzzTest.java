package io.vigil.trust.tuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.TrustException;

/**
 * Hostile bytes as TUF metadata of each role: each is read, its root verified against its own keys,
 * or refused with {@link TrustException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code MetadataFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class MetadataFuzzTest {

  @FuzzTest(maxDuration = "5s")
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
}
