package io.vigil.inference.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A JSON node with its dotted path, for reading certified files (manifests, reference profiles) so
 * that every error names the field, the value and what was expected.
 *
 * @param path where this node sits, e.g. {@code inputs[0].features[3]}; empty at the root
 * @param node the node
 * @param error turns a message into the reader's own exception, adding the file's name
 */
public record JsonFields(String path, JsonNode node, Function<String, RuntimeException> error) {

  /** The root of a document. */
  public static JsonFields root(JsonNode node, Function<String, RuntimeException> error) {
    return new JsonFields("", node, error);
  }

  /** The path of a key of this node. */
  public String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The error for a bad value of {@code key}. */
  public RuntimeException bad(String key, Object value, String expected) {
    return error.apply(at(key) + ": expected " + expected + ", got " + value);
  }

  /** The error for this node itself. */
  public RuntimeException badValue(String expected) {
    return error.apply(path + ": expected " + expected + ", got " + node);
  }

  /** Runs a record constructor, naming this node in what its checks throw. */
  public <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw error.apply((path.isEmpty() ? "" : path + ": ") + e.getMessage());
    }
  }

  /** Whether {@code key} holds a value other than null. */
  public boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  /** The value of {@code key}, which must be there. */
  public JsonNode required(String key, String expected) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw error.apply(at(key) + ": is missing; expected " + expected);
    }
    return v;
  }

  /** A string. */
  public String text(String key) {
    JsonNode v = required(key, "a string");
    if (!v.isTextual()) {
      throw bad(key, v, "a string");
    }
    return v.asText();
  }

  /** A boolean. */
  public boolean bool(String key) {
    JsonNode v = required(key, "true or false");
    if (!v.isBoolean()) {
      throw bad(key, v, "true or false");
    }
    return v.asBoolean();
  }

  /** A finite number, read through its decimal text so that it is rounded once. */
  public double number(String key) {
    return child(key, required(key, "a number")).fp64();
  }

  /** {@link #number(String)}, or {@code fallback} where the key is absent. */
  public double numberOr(String key, double fallback) {
    return has(key) ? number(key) : fallback;
  }

  /** A finite number that fits a float. */
  public float fp32(String key) {
    return child(key, required(key, "a number")).fp32();
  }

  /** This node as a finite number. */
  public double fp64() {
    double value = node.isNumber() ? Double.parseDouble(node.decimalValue().toString()) : 0;
    if (!node.isNumber() || !Double.isFinite(value)) {
      throw badValue("a finite number");
    }
    return value;
  }

  /** This node as a finite float. */
  public float fp32() {
    float value = node.isNumber() ? Float.parseFloat(node.decimalValue().toString()) : 0;
    if (!node.isNumber() || !Float.isFinite(value)) {
      throw badValue("a finite FP32 number");
    }
    return value;
  }

  /** A non-negative integer. */
  public long integer(String key) {
    JsonNode v = required(key, "an integer");
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw bad(key, v, "a non-negative integer");
    }
    return v.asLong();
  }

  /** An integer from {@code min} to {@code max}. */
  public long integer(String key, long min, long max) {
    JsonNode v = required(key, "an integer");
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw bad(key, v, "an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  /** {@link #integer(String, long, long)}, or {@code fallback} where the key is absent. */
  public long integerOr(String key, long fallback, long min, long max) {
    return has(key) ? integer(key, min, max) : fallback;
  }

  /** An object. */
  public JsonFields object(String key) {
    JsonNode v = required(key, "an object");
    if (!v.isObject()) {
      throw bad(key, v, "an object");
    }
    return child(key, v);
  }

  /** An array, as its elements with their paths. */
  public List<JsonFields> array(String key) {
    JsonNode v = required(key, "an array");
    if (!v.isArray()) {
      throw bad(key, v, "an array");
    }
    List<JsonFields> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      items.add(new JsonFields(at(key) + "[" + i + "]", v.get(i), error));
    }
    return items;
  }

  private JsonFields child(String key, JsonNode value) {
    return new JsonFields(at(key), value, error);
  }
}
