package io.vigil.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vigil.gateway.models.LoadedModel;
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
 *
 * <p>What a request makes the gateway allocate is bounded by the model, not by the body: no more
 * values, inputs and outputs than the model takes in one request, no text longer than {@link
 * #MAX_TEXT_CHARS} (fields the gateway does not read are skipped without being kept), and a
 * tensor's values are sized from its shape when the shape comes first.
 */
final class OipDecoder {

  /** The longest text the gateway keeps from a request: a request id, a tensor's name. */
  static final int MAX_TEXT_CHARS = 64 * 1024;

  private static final int MAX_RANK = 8;

  private static final JsonFactory JSON =
      new JsonFactoryBuilder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(MAX_TEXT_CHARS).build())
          .build();

  private OipDecoder() {}

  /**
   * The most that one request to a model may carry.
   *
   * @param inputs the model's inputs
   * @param outputs the model's outputs
   * @param values the values of {@code inference.max-rows-per-request} rows of every input
   */
  record Limits(int inputs, int outputs, long values) {
    static Limits of(LoadedModel model) {
      return new Limits(
          model.manifest().inputs().size(),
          model.manifest().outputs().size(),
          model.validator().maxValues());
    }
  }

  static InferRequest decode(RequestBody body, Limits limits) {
    try (JsonParser p =
        body.inOneChunk() ? JSON.createParser(body.bytes()) : JSON.createParser(body.stream())) {
      // A body of n bytes holds at most (n + 1) / 2 values ("1,2,3"): no more is ever allocated.
      long valuesInBody = (body.length() + 1) / 2;
      return decode(p, limits, Math.min(limits.values(), valuesInBody));
    } catch (StreamConstraintsException e) {
      throw invalid("request body holds a text longer than " + MAX_TEXT_CHARS + " characters");
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      throw invalid(
          "request body is not valid JSON: "
              + e.getOriginalMessage()
              + (where == null
                  ? ""
                  : " at line " + where.getLineNr() + ", column " + where.getColumnNr()));
    } catch (IOException e) {
      throw invalid("request body cannot be read: " + e.getMessage());
    }
  }

  private static InferRequest decode(JsonParser p, Limits limits, long maxValues)
      throws IOException {
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
        case "inputs" -> inputs = inputs(p, value, limits, maxValues);
        case "outputs" -> outputs = outputs(p, value, limits);
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
  }

  private static List<InputTensor> inputs(
      JsonParser p, JsonToken value, Limits limits, long maxValues) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("inputs must be an array of tensors");
    }
    List<InputTensor> inputs = new ArrayList<>(1);
    long valuesLeft = maxValues;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (inputs.size() == limits.inputs()) {
        throw invalid(
            "inputs holds more than the " + limits.inputs() + " tensor(s) this model takes");
      }
      InputTensor tensor = tensor(p, inputs.size(), valuesLeft, limits.values());
      valuesLeft -= tensor.size();
      inputs.add(tensor);
    }
    return inputs;
  }

  private static InputTensor tensor(JsonParser p, int index, long valuesLeft, long maxValues)
      throws IOException {
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
        case "data" -> data = data(p, value, index, new Data(shape, valuesLeft, maxValues));
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
    long[] dims = new long[MAX_RANK];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
        throw invalid(
            "inputs[" + index + "].shape must hold non-negative integers, got " + p.getText());
      }
      if (n == dims.length) {
        throw invalid("inputs[" + index + "].shape has more than " + MAX_RANK + " dimensions");
      }
      dims[n++] = p.getLongValue();
    }
    return Arrays.copyOf(dims, n);
  }

  private static Data data(JsonParser p, JsonToken value, int index, Data data) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("inputs[" + index + "].data must be an array");
    }
    data.readArray(p, 0, index);
    return data;
  }

  private static List<String> outputs(JsonParser p, JsonToken value, Limits limits)
      throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw invalid("outputs must be an array");
    }
    List<String> names = new ArrayList<>(1);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (names.size() == limits.outputs()) {
        throw invalid("outputs names more than the " + limits.outputs() + " this model has");
      }
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
    private final long valuesLeft;
    private final long maxValues;
    private float[] values;
    private int size;
    private final BitSet nulls = new BitSet();
    private final int[] lengthAtDepth = new int[] {-1, -1, -1, -1, -1, -1, -1, -1};
    private boolean ragged;
    private int leafDepth = -1;

    /**
     * Values for a tensor of {@code shape} (null when the shape comes after the data), of which the
     * request may still carry {@code valuesLeft}, out of {@code maxValues} in all.
     */
    Data(long[] shape, long valuesLeft, long maxValues) {
      this.valuesLeft = valuesLeft;
      this.maxValues = maxValues;
      this.values = new float[(int) Math.min(expectedValues(shape), valuesLeft)];
    }

    /** The values the shape promises, saturated past any limit; a guess without a shape. */
    private long expectedValues(long[] shape) {
      if (shape == null) {
        return 64;
      }
      long product = 1;
      for (long dim : shape) {
        if (dim == 0) {
          return 0;
        }
        product = dim > valuesLeft / product ? valuesLeft + 1 : product * dim;
      }
      return product;
    }

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
          if (size >= valuesLeft) {
            throw invalid(
                "inputs["
                    + index
                    + "].data holds more than the "
                    + maxValues
                    + " values that a request to this model may carry");
          }
          values = Arrays.copyOf(values, (int) Math.min(Math.max(16, size * 2L), valuesLeft));
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
