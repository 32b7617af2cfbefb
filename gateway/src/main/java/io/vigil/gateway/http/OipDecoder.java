package io.vigil.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.validation.InputTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Decodes an OIP v2 inference request straight from its bytes into float arrays with a streaming
 * parser: no intermediate tree and no boxed numbers on the hot path.
 *
 * <p>{@code data} may be flat or nested to the tensor's rank; {@code NaN} and {@code Infinity}
 * literals are read so that the validator can name them, not fail as a parse error.
 */
final class OipDecoder {

  private static final JsonFactory JSON =
      new JsonFactoryBuilder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private OipDecoder() {}

  static InferRequest decode(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("request body must be a JSON object");
      }
      Optional<String> id = Optional.empty();
      List<InputTensor> inputs = null;
      List<String> outputs = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw invalid("id must be a string");
            }
            id = Optional.of(p.getText());
          }
          case "inputs" -> inputs = inputs(p, value);
          case "outputs" -> outputs = outputs(p, value);
          case "parameters" -> expectObject(p, value, "parameters");
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw invalid("request body has content after its JSON object");
      }
      if (inputs == null || inputs.isEmpty()) {
        throw invalid("request has no inputs");
      }
      return new InferRequest(id, inputs, outputs);
    } catch (JsonProcessingException e) {
      throw invalid(
          "request body is not valid JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw invalid("request body cannot be read: " + e.getMessage());
    }
  }

  private static List<InputTensor> inputs(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("inputs must be an array of tensors");
    }
    List<InputTensor> inputs = new ArrayList<>(1);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      inputs.add(tensor(p, inputs.size()));
    }
    return inputs;
  }

  private static InputTensor tensor(JsonParser p, int index) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid("inputs[" + index + "] must be an object");
    }
    String name = null;
    String datatype = null;
    long[] shape = null;
    Data data = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> name = text(p, value, "inputs[" + index + "].name");
        case "datatype" -> datatype = text(p, value, "inputs[" + index + "].datatype");
        case "shape" -> shape = shape(p, value, index);
        case "data" -> data = data(p, value, index);
        case "parameters" -> expectObject(p, value, "inputs[" + index + "].parameters");
        default -> p.skipChildren();
      }
    }
    String label = name == null ? "inputs[" + index + "]" : "input " + name;
    if (name == null) {
      throw invalid(label + " has no name");
    }
    if (datatype == null) {
      throw invalid(label + " has no datatype");
    }
    if (shape == null) {
      throw invalid(label + " has no shape");
    }
    if (data == null) {
      throw invalid(label + " has no data (binary tensor data is not supported)");
    }
    data.checkNesting(label, shape);
    return new InputTensor(name, datatype, shape, data.values(), data.nulls);
  }

  private static long[] shape(JsonParser p, JsonToken value, int index) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("inputs[" + index + "].shape must be an array of integers");
    }
    long[] dims = new long[4];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
        throw invalid(
            "inputs[" + index + "].shape must hold non-negative integers, got " + p.getText());
      }
      if (n == dims.length) {
        dims = Arrays.copyOf(dims, n * 2);
      }
      dims[n++] = p.getLongValue();
    }
    return Arrays.copyOf(dims, n);
  }

  private static Data data(JsonParser p, JsonToken value, int index) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("inputs[" + index + "].data must be an array");
    }
    Data data = new Data();
    data.readArray(p, 0, index);
    return data;
  }

  private static List<String> outputs(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("outputs must be an array");
    }
    List<String> names = new ArrayList<>(1);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw invalid("outputs[" + names.size() + "] must be an object");
      }
      String name = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("name")) {
          name = text(p, v, "outputs[" + names.size() + "].name");
        } else {
          p.skipChildren();
        }
      }
      if (name == null) {
        throw invalid("outputs[" + names.size() + "] has no name");
      }
      names.add(name);
    }
    return names;
  }

  private static String text(JsonParser p, JsonToken value, String what) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw invalid(what + " must be a string");
    }
    return p.getText();
  }

  private static void expectObject(JsonParser p, JsonToken value, String what) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      throw invalid(what + " must be an object");
    }
    p.skipChildren();
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(Code.INPUT_INVALID, message);
  }

  /**
   * Values gathered flat, with the length seen at each nesting depth to check against the shape.
   */
  private static final class Data {
    private float[] values = new float[64];
    private int size;
    private final BitSet nulls = new BitSet();
    private final int[] lengthAtDepth = new int[] {-1, -1, -1, -1, -1, -1, -1, -1};
    private boolean ragged;
    private int leafDepth = -1;

    void readArray(JsonParser p, int depth, int index) throws IOException {
      if (depth >= lengthAtDepth.length) {
        throw invalid("inputs[" + index + "].data is nested too deeply");
      }
      int length = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        length++;
        if (t == JsonToken.START_ARRAY) {
          readArray(p, depth + 1, index);
          continue;
        }
        if (leafDepth < 0) {
          leafDepth = depth;
        } else if (leafDepth != depth) {
          ragged = true;
        }
        if (size == values.length) {
          values = Arrays.copyOf(values, size * 2);
        }
        switch (t) {
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> values[size++] = p.getFloatValue();
          case VALUE_NULL -> {
            nulls.set(size);
            values[size++] = Float.NaN;
          }
          default ->
              throw invalid(
                  "inputs["
                      + index
                      + "].data must hold numbers, got "
                      + p.getText()
                      + " at value "
                      + size);
        }
      }
      if (lengthAtDepth[depth] < 0) {
        lengthAtDepth[depth] = length;
      } else if (lengthAtDepth[depth] != length) {
        ragged = true;
      }
    }

    void checkNesting(String label, long[] shape) {
      if (leafDepth <= 0 && !ragged) {
        return;
      }
      boolean matches = !ragged && leafDepth == shape.length - 1;
      for (int d = 0; matches && d <= leafDepth; d++) {
        matches = lengthAtDepth[d] == shape[d];
      }
      if (!matches) {
        throw invalid(label + ": nested data does not match shape " + Arrays.toString(shape));
      }
    }

    float[] values() {
      return size == values.length ? values : Arrays.copyOf(values, size);
    }
  }
}
