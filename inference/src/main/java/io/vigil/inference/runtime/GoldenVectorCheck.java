package io.vigil.inference.runtime;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.GoldenVectors;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.util.List;
import java.util.Optional;

/**
 * Re-runs the golden vectors of a bundle through its loaded session and refuses a model whose
 * outputs differ here from what the manufacturer recorded; without golden vectors, one run on
 * mid-range values still warms the session up.
 */
final class GoldenVectorCheck {

  private GoldenVectorCheck() {}

  static void check(OnnxModel model) {
    Bundle bundle = model.bundle();
    Optional<byte[]> file = bundle.file(GoldenVectors.FILE);
    if (file.isEmpty()) {
      warmUp(model);
      return;
    }
    GoldenVectors golden;
    try {
      golden = GoldenVectors.parse(file.get());
    } catch (InferenceException e) {
      throw failed(bundle, e.getMessage());
    }
    List<TensorSpec> inputs = model.manifest().inputs();
    List<TensorSpec> outputs = model.manifest().outputs();
    try (OnnxModel.Scratch scratch = model.scratch(1)) {
      for (int index = 0; index < golden.vectors().size(); index++) {
        GoldenVectors.Vector vector = golden.vectors().get(index);
        for (int i = 0; i < inputs.size(); i++) {
          TensorSpec spec = inputs.get(i);
          float[] row = row(bundle, vector.input(spec.name()), spec, index);
          scratch.put(i, 0, row, spec.rowWidth());
        }
        float[][] actual = model.run(scratch, 1);
        for (int o = 0; o < outputs.size(); o++) {
          TensorSpec spec = outputs.get(o);
          Optional<float[]> expected = vector.output(spec.name());
          if (expected.isEmpty()) {
            continue;
          }
          float[] want = row(bundle, expected, spec, index);
          for (int k = 0; k < want.length; k++) {
            if (!(Math.abs(want[k] - actual[o][k]) <= golden.tolerance())) {
              throw failed(
                  bundle,
                  "golden vector "
                      + index
                      + ": output "
                      + spec.name()
                      + "["
                      + k
                      + "] is "
                      + actual[o][k]
                      + " here, "
                      + want[k]
                      + " in the evidence (tolerance "
                      + golden.tolerance()
                      + ")");
            }
          }
        }
      }
    }
  }

  private static void warmUp(OnnxModel model) {
    try (OnnxModel.Scratch scratch = model.scratch(1)) {
      List<TensorSpec> inputs = model.manifest().inputs();
      for (int i = 0; i < inputs.size(); i++) {
        TensorSpec spec = inputs.get(i);
        float[] row = new float[spec.rowWidth()];
        for (int k = 0; k < row.length; k++) {
          row[k] = (float) ((spec.features().get(k).min() + spec.features().get(k).max()) / 2);
        }
        scratch.put(i, 0, row, row.length);
      }
      model.run(scratch, 1);
    }
  }

  private static float[] row(Bundle bundle, Optional<float[]> values, TensorSpec spec, int index) {
    int width = spec.rowWidth();
    if (values.isEmpty() || values.get().length != width) {
      throw failed(
          bundle,
          "golden vector "
              + index
              + ": expected "
              + width
              + " numbers for "
              + spec.name()
              + ", got "
              + values.map(v -> String.valueOf(v.length)).orElse("none"));
    }
    return values.get();
  }

  private static InferenceException failed(Bundle bundle, String problem) {
    return new InferenceException(Code.BUNDLE_INVALID, bundle.label() + ": " + problem);
  }
}
