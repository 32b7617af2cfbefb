package io.vigil.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.demo.WdbcData.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Fixed test rows with the outputs ONNX Runtime gave for them; every gateway re-runs them before it
 * activates the model.
 */
final class GoldenVectors {

  static final double TOLERANCE = 1e-5;
  static final int PER_CLASS = 5;

  /** One row and the probability ONNX Runtime computed for it. */
  record Vector(int id, float[] inputs, float probability) {}

  private GoldenVectors() {}

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

  static byte[] json(List<Vector> vectors) {
    ObjectNode root = Json.object();
    root.put("tolerance", TOLERANCE);
    ArrayNode array = root.putArray("vectors");
    for (Vector v : vectors) {
      ObjectNode n = array.addObject();
      n.put("id", v.id());
      ArrayNode features = n.putObject("inputs").putArray(OnnxGraph.INPUT);
      for (float f : v.inputs()) {
        features.add(f);
      }
      n.putObject("outputs").putArray(OnnxGraph.OUTPUT).add(v.probability());
    }
    return Json.bytes(root);
  }
}
