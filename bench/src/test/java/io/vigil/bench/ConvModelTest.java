package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

class ConvModelTest {

  @Test
  void takesRowsOf250SamplesAndGivesOneProbabilityEach() {
    ConvModel small = new ConvModel(8, 2, 7);
    Bundle bundle = SignalBundle.bundle(small);
    try (OnnxModel model = OnnxModel.load(bundle, RuntimeOptions.DEFAULT)) {
      OnnxModel.Scratch scratch = model.scratch(3);
      float[] row = BenchModel.CONV.row();
      for (int r = 0; r < 3; r++) {
        scratch.put(0, r, row, row.length);
      }

      float[][] out = model.run(scratch, 3);

      assertEquals(1, out.length);
      assertEquals(3, out[0].length);
      for (float p : out[0]) {
        assertTrue(p > 0 && p < 1, "probability " + p);
      }
      assertEquals(out[0][0], out[0][2], 1e-6);
    }
  }

  @Test
  void isTheSameBytesEveryTime() {
    assertArrayEquals(new ConvModel(4, 2, 3).onnx(), new ConvModel(4, 2, 3).onnx());
  }

  @Test
  void declaresABenchmarkModelThatIsNeverMedical() {
    var manifest = SignalBundle.bundle(new ConvModel(4, 1, 3)).manifest();

    assertEquals("bench-conv1d", manifest.modelId());
    assertTrue(manifest.demo());
    assertTrue(manifest.intendedUse().contains("random weights"));
    assertEquals(ConvModel.SIGNAL_LENGTH, manifest.inputs().get(0).rowWidth());
  }

  @Test
  void countsMultiplyAccumulatesOfTheConvolutions() {
    // 250 × 1 × 8 × 3 for the first layer, 250 × 8 × 8 × 3 for the second, 8 for the head.
    assertEquals(6_000 + 48_000 + 8, new ConvModel(8, 2, 3).macsPerRow());
  }
}
