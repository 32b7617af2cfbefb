package io.vigil.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import io.vigil.inference.TinyOnnx;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelTest {

  @Test
  void runsRowsThroughOnnxRuntime() {
    try (OnnxModel model = OnnxModel.load(TestBundles.bundle(), RuntimeOptions.DEFAULT)) {
      OnnxModel.Scratch scratch = model.scratch(2);
      scratch.put(0, 0, new float[] {1, 2, 3, -4, 5, 0.5f}, 3);

      float[][] out = model.run(scratch, 2);

      assertEquals(2, out[0].length);
      assertEquals(TestBundles.expected(new float[] {1, 2, 3}), out[0][0], 1e-6);
      assertEquals(TestBundles.expected(new float[] {-4, 5, 0.5f}), out[0][1], 1e-6);
    }
  }

  @Test
  void aScratchServesEveryRowCountInTurnWithFreshOutputs() {
    try (OnnxModel model = OnnxModel.load(TestBundles.bundle(), RuntimeOptions.DEFAULT);
        OnnxModel.Scratch scratch = model.scratch(4)) {
      for (int round = 0; round < 3; round++) {
        for (int rows = 4; rows >= 1; rows--) {
          float[] values = new float[rows * 3];
          for (int k = 0; k < values.length; k++) {
            values[k] = round * 10 + rows + k * 0.25f;
          }
          scratch.put(0, 0, values, 3);

          float[][] out = model.run(scratch, rows);

          assertEquals(rows, out[0].length, "one output per row, not per buffer");
          for (int r = 0; r < rows; r++) {
            float[] row = {values[r * 3], values[r * 3 + 1], values[r * 3 + 2]};
            assertEquals(TestBundles.expected(row), out[0][r], 1e-6, rows + " rows, row " + r);
          }
        }
      }
      assertThrows(IllegalArgumentException.class, () -> model.run(scratch, 5));
    }
  }

  @Test
  void aClosedScratchRefusesToRun() {
    try (OnnxModel model = OnnxModel.load(TestBundles.bundle(), RuntimeOptions.DEFAULT)) {
      OnnxModel.Scratch scratch = model.scratch(1);
      model.run(scratch, 1);
      scratch.close();

      InferenceException e = assertThrows(InferenceException.class, () -> model.run(scratch, 1));

      assertEquals(Code.MODEL_UNAVAILABLE, e.code());
      float[][] out = model.run(model.scratch(1), 1);
      assertEquals(TestBundles.expected(new float[] {0, 0, 0}), out[0][0], 1e-6);
    }
  }

  @Test
  void refusesAModelWhoseGoldenVectorsDoNotReproduce() {
    Map<String, byte[]> files = TestBundles.files();
    files.put(
        "evidence/golden-vectors.json",
        "{\"tolerance\": 1.0E-5, \"vectors\": [{\"inputs\": {\"x\": [1, 2, 3]}, \"outputs\": {\"p\": [0.5]}}]}"
            .getBytes(StandardCharsets.UTF_8));
    Bundle bundle = BundleWriter.write(TestBundles.manifest("test-model", "1.0.0", 1), files);

    InferenceException e =
        assertThrows(
            InferenceException.class, () -> OnnxModel.load(bundle, RuntimeOptions.DEFAULT));

    assertEquals(Code.BUNDLE_INVALID, e.code());
    assertTrue(e.getMessage().contains("golden vector 0: output p[0] is"), e.getMessage());
  }

  @Test
  void refusesAModelWhoseGraphDoesNotMatchItsManifest() {
    Map<String, byte[]> files = TestBundles.files();
    files.put(Bundle.MODEL, TinyOnnx.logistic("x", "p", new float[] {1, 2}, 0));
    files.remove("evidence/golden-vectors.json");
    Bundle bundle = BundleWriter.write(TestBundles.manifest("test-model", "1.0.0", 1), files);

    InferenceException e =
        assertThrows(
            InferenceException.class, () -> OnnxModel.load(bundle, RuntimeOptions.DEFAULT));

    assertEquals(
        "test-model 1.0.0 ("
            + bundle.sha256().substring(0, 12)
            + "): model does not match its manifest: input x has dimension 1 = 2 in the graph, 3 in the manifest",
        e.getMessage());
  }

  @Test
  void refusesBytesThatAreNotAModelWithoutCrashing() {
    Map<String, byte[]> files = TestBundles.files();
    files.put(Bundle.MODEL, "not a model".getBytes(StandardCharsets.UTF_8));
    Bundle bundle = BundleWriter.write(TestBundles.manifest("test-model", "1.0.0", 1), files);

    InferenceException e =
        assertThrows(
            InferenceException.class, () -> OnnxModel.load(bundle, RuntimeOptions.DEFAULT));

    assertEquals(Code.RUNTIME_FAILED, e.code());
  }

  @Test
  void aRunThatOnnxRuntimeRefusesNamesTheModelAndTheReasonAndTheModelKeepsRunning() {
    Bundle bundle = TestBundles.failingBundle("fails-model");
    try (OnnxModel model = OnnxModel.load(bundle, RuntimeOptions.DEFAULT);
        OnnxModel.Scratch scratch = model.scratch(2)) {
      scratch.put(0, 0, new float[] {1, 2, 3, 4, 5, 6}, 3);

      InferenceException e = assertThrows(InferenceException.class, () -> model.run(scratch, 2));

      assertEquals(Code.RUNTIME_FAILED, e.code());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "model fails-model 1.0.0 ("
                      + bundle.sha256().substring(0, 12)
                      + ") failed to run: ONNX Runtime: "),
          e.getMessage());
      assertTrue(e.getMessage().contains("invalid dimensions for output: p"), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
      scratch.put(0, 0, new float[] {1, 2, 3}, 3);
      assertEquals(TestBundles.expected(new float[] {1, 2, 3}), model.run(scratch, 1)[0][0], 1e-6);
    }
  }

  @Test
  void refusesRunsAfterClose() {
    OnnxModel model = OnnxModel.load(TestBundles.bundle(), RuntimeOptions.DEFAULT);
    OnnxModel.Scratch scratch = model.scratch(1);
    model.close();

    InferenceException e = assertThrows(InferenceException.class, () -> model.run(scratch, 1));

    assertEquals(Code.MODEL_UNAVAILABLE, e.code());
  }
}
