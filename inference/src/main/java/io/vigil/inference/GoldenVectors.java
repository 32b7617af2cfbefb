package io.vigil.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.Manifest.TensorSpec;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Re-runs the golden vectors of a bundle ({@code evidence/golden-vectors.json}: fixed inputs with
 * the outputs the manufacturer recorded) and refuses a model whose outputs differ here.
 */
final class GoldenVectors {

  /** Where a bundle keeps its golden vectors. */
  static final String FILE = "evidence/golden-vectors.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenVectors() {}

  static void check(OnnxModel model) {
    Bundle bundle = model.bundle();
    Optional<byte[]> file = bundle.file(FILE);
    if (file.isEmpty()) {
      warmUp(model);
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.get());
    } catch (IOException e) {
      throw failed(bundle, FILE + " is not valid JSON: " + e.getMessage());
    }
    double tolerance = root.path("tolerance").asDouble(1e-5);
    List<TensorSpec> inputs = model.manifest().inputs();
    List<TensorSpec> outputs = model.manifest().outputs();
    int index = 0;
    try (OnnxModel.Scratch scratch = model.scratch(1)) {
      for (JsonNode vector : root.path("vectors")) {
        for (int i = 0; i < inputs.size(); i++) {
          scratch.put(
              i,
              0,
              floats(
                  bundle,
                  vector.path("inputs").path(inputs.get(i).name()),
                  inputs.get(i).rowWidth(),
                  index),
              inputs.get(i).rowWidth());
        }
        float[][] actual = model.run(scratch, 1);
        for (int o = 0; o < outputs.size(); o++) {
          JsonNode expected = vector.path("outputs").path(outputs.get(o).name());
          if (expected.isMissingNode()) {
            continue;
          }
          float[] want = floats(bundle, expected, outputs.get(o).rowWidth(), index);
          for (int k = 0; k < want.length; k++) {
            if (!(Math.abs(want[k] - actual[o][k]) <= tolerance)) {
              throw failed(
                  bundle,
                  "golden vector "
                      + index
                      + ": output "
                      + outputs.get(o).name()
                      + "["
                      + k
                      + "] is "
                      + actual[o][k]
                      + " here, "
                      + want[k]
                      + " in the evidence (tolerance "
                      + tolerance
                      + ")");
            }
          }
        }
        index++;
      }
    }
    if (index == 0) {
      throw failed(bundle, FILE + " holds no vectors");
    }
  }

  /** Without golden vectors, one run on mid-range values still warms the session up. */
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

  private static float[] floats(Bundle bundle, JsonNode array, int width, int index) {
    if (!array.isArray() || array.size() != width) {
      throw failed(
          bundle, "golden vector " + index + ": expected " + width + " numbers, got " + array);
    }
    float[] values = new float[width];
    for (int k = 0; k < width; k++) {
      values[k] = (float) array.get(k).asDouble();
    }
    return values;
  }

  private static InferenceException failed(Bundle bundle, String problem) {
    return new InferenceException(Code.BUNDLE_INVALID, bundle.label() + ": " + problem);
  }
}
