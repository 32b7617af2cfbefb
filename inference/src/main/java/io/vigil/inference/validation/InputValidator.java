package io.vigil.inference.validation;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a request against the manifest before ONNX Runtime sees it: names, datatypes, shapes,
 * value counts, missing values, NaN and infinity, and the plausible range of every feature.
 */
public final class InputValidator {

  private final Manifest manifest;
  private final RangePolicy rangePolicy;
  private final int maxRows;

  /**
   * Each input's plausible ranges column by column, read once from its features: the loop over an
   * imaging input's 150,528 values then reads two arrays instead of a list of records.
   */
  private final double[][] min;

  private final double[][] max;

  /** A validator for one model; {@code maxRows} caps the rows one request may carry. */
  public InputValidator(Manifest manifest, RangePolicy rangePolicy, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows < 1");
    }
    this.manifest = manifest;
    this.rangePolicy = rangePolicy;
    this.maxRows = maxRows;
    List<TensorSpec> specs = manifest.inputs();
    this.min = new double[specs.size()][];
    this.max = new double[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      List<Feature> features = specs.get(i).features();
      min[i] = features.stream().mapToDouble(Feature::min).toArray();
      max[i] = features.stream().mapToDouble(Feature::max).toArray();
    }
  }

  /** The most input values one request may carry: {@code maxRows} rows of every input. */
  public long maxValues() {
    long rowWidths = 0;
    for (TensorSpec spec : manifest.inputs()) {
      rowWidths += spec.rowWidth();
    }
    return maxRows * rowWidths;
  }

  /** Checks the tensors; the first problem found is thrown as {@link Code#INPUT_INVALID}. */
  public ValidatedInput validate(List<InputTensor> tensors) {
    List<TensorSpec> specs = manifest.inputs();
    InputTensor[] byInput = new InputTensor[specs.size()];
    for (InputTensor tensor : tensors) {
      int index = indexOf(specs, tensor.name);
      if (index < 0) {
        throw invalid(
            "unknown input '"
                + tensor.name
                + "'; model "
                + manifest.modelId()
                + " takes "
                + names(specs));
      }
      if (byInput[index] != null) {
        throw invalid("input " + tensor.name + " is given twice");
      }
      byInput[index] = tensor;
    }
    int rows = -1;
    float[][] values = new float[specs.size()][];
    List<String> flags = new ArrayList<>(0);
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      InputTensor tensor = byInput[i];
      if (tensor == null) {
        throw invalid(
            "input "
                + spec.name()
                + " is missing; model "
                + manifest.modelId()
                + " takes "
                + names(specs));
      }
      int tensorRows = checkShape(spec, tensor);
      if (rows >= 0 && tensorRows != rows) {
        throw invalid(
            "input "
                + spec.name()
                + " has "
                + tensorRows
                + " rows but "
                + specs.get(0).name()
                + " has "
                + rows);
      }
      rows = tensorRows;
      checkValues(spec, min[i], max[i], tensor, flags);
      values[i] = tensor.values;
    }
    return ValidatedInput.adopt(rows, values, flags);
  }

  private int checkShape(TensorSpec spec, InputTensor tensor) {
    if (!spec.datatype().equals(tensor.datatype)) {
      throw invalid(
          "input "
              + spec.name()
              + ": datatype "
              + tensor.datatype
              + " does not match the model's "
              + spec.datatype());
    }
    long[] shape = tensor.shape;
    boolean matches = shape.length == spec.shape().size() && shape[0] >= 1;
    for (int d = 1; matches && d < shape.length; d++) {
      matches = shape[d] == spec.shape().get(d);
    }
    if (!matches) {
      throw invalid(
          "input "
              + spec.name()
              + ": shape "
              + Arrays.toString(shape)
              + " does not match the model's "
              + spec.shape()
              + " (rows first, at least one)");
    }
    if (shape[0] > maxRows) {
      throw invalid(
          "input "
              + spec.name()
              + ": "
              + shape[0]
              + " rows, more than the "
              + maxRows
              + " a request may carry");
    }
    long expected = shape[0] * spec.rowWidth();
    if (tensor.values.length != expected) {
      throw invalid(
          "input "
              + spec.name()
              + ": shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " values, got "
              + tensor.values.length);
    }
    return (int) shape[0];
  }

  /**
   * Every value against its column's plausible range ({@link Feature#plausible}, both ends
   * included); a value outside it, missing, NaN or infinite goes to {@link #checkValue}.
   */
  private void checkValues(
      TensorSpec spec, double[] min, double[] max, InputTensor tensor, List<String> flags) {
    float[] values = tensor.values;
    int width = min.length;
    int column = 0;
    for (int k = 0; k < values.length; k++) {
      float v = values[k];
      if (!(Float.isFinite(v) && v >= min[column] && v <= max[column])) {
        checkValue(spec, tensor, k, flags);
      }
      if (++column == width) {
        column = 0;
      }
    }
  }

  /** The value at {@code k}, which is not a finite value in its plausible range: why not. */
  private void checkValue(TensorSpec spec, InputTensor tensor, int k, List<String> flags) {
    float v = tensor.values[k];
    int width = spec.rowWidth();
    List<Feature> features = spec.features();
    Feature f = features.get(k % width);
    String where =
        "input "
            + spec.name()
            + ": row "
            + k / width
            + ", feature "
            + f.name()
            + " (column "
            + k % width
            + ")";
    if (tensor.nulls.get(k)) {
      throw new InferenceException(
          InferenceException.Code.INPUT_MISSING,
          where
              + " is missing"
              + (f.required()
                  ? "; it is required"
                  : "; the model has no value to put in its place"));
    }
    if (Float.isNaN(v)) {
      throw invalid(where + " is NaN");
    }
    if (Float.isInfinite(v)) {
      throw invalid(where + " is infinite or beyond the range of " + spec.datatype());
    }
    String range =
        " = "
            + v
            + " is outside the plausible range ["
            + f.min()
            + ", "
            + f.max()
            + "] "
            + f.unit();
    if (rangePolicy == RangePolicy.REJECT) {
      throw invalid(where + range);
    }
    flags.add(spec.name() + "[" + k / width + "][" + k % width + "] " + f.name() + range);
  }

  private static int indexOf(List<TensorSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(Code.INPUT_INVALID, message);
  }
}
