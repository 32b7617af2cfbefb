package io.vigil.inference.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle's golden vectors ({@value #FILE}): fixed inputs with the outputs the manufacturer
 * recorded, which every gateway re-runs before the model may answer. The one reader and writer of
 * that file.
 *
 * @param tolerance the largest difference allowed between a recorded and a reproduced output value
 * @param vectors the vectors, in file order
 */
public record GoldenVectors(double tolerance, List<Vector> vectors) {

  /** Where a bundle keeps its golden vectors. */
  public static final String FILE = "evidence/golden-vectors.json";

  /** The tolerance of a file that names none. */
  public static final double DEFAULT_TOLERANCE = 1e-5;

  private static final ObjectMapper JSON = new ObjectMapper();

  public GoldenVectors {
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance is not a finite number >= 0: " + tolerance);
    }
    vectors = List.copyOf(vectors);
  }

  /** Reads the file; a malformed one throws {@link Code#BUNDLE_INVALID} naming the problem. */
  public static GoldenVectors parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw invalid("is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("is not a JSON object");
    }
    List<Vector> vectors = new ArrayList<>();
    int index = 0;
    for (JsonNode v : root.path("vectors")) {
      vectors.add(
          new Vector(
              v.path("id").asLong(index),
              arrays(v.path("inputs"), index, "inputs"),
              arrays(v.path("outputs"), index, "outputs")));
      index++;
    }
    if (vectors.isEmpty()) {
      throw invalid("holds no vectors");
    }
    return new GoldenVectors(root.path("tolerance").asDouble(DEFAULT_TOLERANCE), vectors);
  }

  /** The file's bytes: indented, one number a line, the same bytes for equal vectors. */
  public byte[] toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("tolerance", tolerance);
    ArrayNode array = root.putArray("vectors");
    for (Vector v : vectors) {
      ObjectNode n = array.addObject();
      n.put("id", v.id());
      put(n.putObject("inputs"), v.inputs);
      put(n.putObject("outputs"), v.outputs);
    }
    return BundleJson.writeArraysIndented(root);
  }

  private static void put(ObjectNode tensors, Map<String, float[]> values) {
    values.forEach(
        (name, row) -> {
          ArrayNode array = tensors.putArray(name);
          for (float f : row) {
            array.add(f);
          }
        });
  }

  private static Map<String, float[]> arrays(JsonNode tensors, int index, String key) {
    Map<String, float[]> values = new LinkedHashMap<>();
    var fields = tensors.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode array = field.getValue();
      if (!array.isArray()) {
        throw invalid(
            "vector " + index + ": " + key + "." + field.getKey() + " is not an array of numbers");
      }
      float[] row = new float[array.size()];
      for (int k = 0; k < row.length; k++) {
        if (!array.get(k).isNumber()) {
          throw invalid(
              "vector "
                  + index
                  + ": "
                  + key
                  + "."
                  + field.getKey()
                  + "["
                  + k
                  + "] is not a number");
        }
        row[k] = (float) array.get(k).asDouble();
      }
      values.put(field.getKey(), row);
    }
    return values;
  }

  private static InferenceException invalid(String problem) {
    return new InferenceException(Code.BUNDLE_INVALID, FILE + " " + problem);
  }

  /** One fixed input and the outputs recorded for it, by tensor name; one row each. */
  public static final class Vector {

    private final long id;
    private final Map<String, float[]> inputs;
    private final Map<String, float[]> outputs;

    /** A vector; the arrays are copied. */
    public Vector(long id, Map<String, float[]> inputs, Map<String, float[]> outputs) {
      this.id = id;
      this.inputs = copy(inputs);
      this.outputs = copy(outputs);
    }

    /** Its id, as the manufacturer numbered it. */
    public long id() {
      return id;
    }

    /** The input row of that tensor, as a copy, if the vector gives one. */
    public Optional<float[]> input(String name) {
      return Optional.ofNullable(inputs.get(name)).map(float[]::clone);
    }

    /** The recorded output row of that tensor, as a copy, if the vector gives one. */
    public Optional<float[]> output(String name) {
      return Optional.ofNullable(outputs.get(name)).map(float[]::clone);
    }

    private static Map<String, float[]> copy(Map<String, float[]> values) {
      Map<String, float[]> copy = new LinkedHashMap<>();
      values.forEach((name, row) -> copy.put(name, row.clone()));
      return Collections.unmodifiableMap(copy);
    }
  }
}
