package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Fixed test rows with the outputs ONNX Runtime gave for them; every gateway re-runs them before it
 * activates the model.
 */
final class GoldenRows {

  static final double TOLERANCE = 1e-5;
  static final int PER_CLASS = 5;

  /** One row and the probability ONNX Runtime computed for it. */
  record Vector(int id, float[] inputs, float probability) {}

  private GoldenRows() {}

  /** The first {@link #PER_CLASS} test rows of each class, by id. */
  static List<Sample> pick(List<Sample> test) {
    List<Sample> picked = new ArrayList<>();
    picked.addAll(test.stream().filter(Sample::malignant).limit(PER_CLASS).toList());
    picked.addAll(test.stream().filter(s -> !s.malignant()).limit(PER_CLASS).toList());
    picked.sort(Comparator.comparingInt(Sample::id));
    return picked;
  }

  static List<Vector> compute(List<Sample> picked, OnnxScorer scorer) {
    float[] outputs = scorer.score(picked);
    List<Vector> vectors = new ArrayList<>();
    for (int i = 0; i < outputs.length; i++) {
      Sample s = picked.get(i);
      vectors.add(new Vector(s.id(), s.featuresAsFloats(), outputs[i]));
    }
    return vectors;
  }

  /** The bundle's {@code evidence/golden-vectors.json}, in the inference module's format. */
  static byte[] json(List<Vector> vectors) {
    return new io.vigil.inference.bundle.GoldenVectors(
            TOLERANCE,
            vectors.stream()
                .map(
                    v ->
                        new io.vigil.inference.bundle.GoldenVectors.Vector(
                            v.id(),
                            Map.of(OnnxGraph.INPUT, v.inputs()),
                            Map.of(OnnxGraph.OUTPUT, new float[] {v.probability()})))
                .toList())
        .toJson();
  }
}
