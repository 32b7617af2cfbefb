package io.vigil.inference.bundle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.util.Set;

/**
 * Hostile bytes as a bundle: each is read or refused with {@link InferenceException}, its code one
 * of the bundle's own, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * BundleReaderFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class BundleReaderFuzzTest {

  private static final Set<Code> BUNDLE_CODES = Set.of(Code.BUNDLE_INVALID, Code.MANIFEST_INVALID);

  @FuzzTest(maxDuration = "5s")
  void readsABundleOrRefusesItWithABundleCode(byte[] bytes) {
    try {
      BundleReader.read(bytes, "fuzz.vbundle");
    } catch (InferenceException e) {
      expect(BUNDLE_CODES, e);
    }
  }

  private static void expect(Set<Code> codes, InferenceException e) {
    if (!codes.contains(e.code())) {
      throw new AssertionError("unexpected code " + e.code() + ": " + e.getMessage(), e);
    }
  }
}
