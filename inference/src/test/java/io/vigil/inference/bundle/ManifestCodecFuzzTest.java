package io.vigil.inference.bundle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;

/**
 * Hostile bytes as a bundle's manifest: each is read, written and read back, or refused with {@link
 * InferenceException} ({@code MANIFEST_INVALID}), and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * ManifestCodecFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class ManifestCodecFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void parsesAManifestOrRefusesItAsInvalid(byte[] bytes) {
    try {
      Manifest manifest = ManifestCodec.parse(bytes);
      // What was read must write and read back: the bundle reader compares the canonical form.
      ManifestCodec.parse(ManifestCodec.write(manifest));
    } catch (InferenceException e) {
      if (e.code() != Code.MANIFEST_INVALID) {
        throw new AssertionError("unexpected code " + e.code() + ": " + e.getMessage(), e);
      }
    }
  }
}
