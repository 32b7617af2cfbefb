package io.vigil.inference.validation;

import java.util.BitSet;
import java.util.Objects;

/**
 * One input tensor of a request as the device sent it, before it is checked against the manifest;
 * it keeps its own copies of the arrays it is given, so nothing can change it after it was built.
 */
public final class InputTensor {

  final String name;
  final String datatype;
  final long[] shape;
  final float[] values;
  final BitSet nulls;

  /**
   * A tensor of these values, row-major; a missing ({@code null}) value is {@code NaN} in {@code
   * values} and its index is set in {@code nulls}.
   */
  public InputTensor(String name, String datatype, long[] shape, float[] values, BitSet nulls) {
    this.name = Objects.requireNonNull(name, "name");
    this.datatype = Objects.requireNonNull(datatype, "datatype");
    this.shape = Objects.requireNonNull(shape, "shape").clone();
    this.values = Objects.requireNonNull(values, "values").clone();
    this.nulls = (BitSet) Objects.requireNonNull(nulls, "nulls").clone();
  }

  /** The tensor's name, as the request gives it. */
  public String name() {
    return name;
  }

  /** The OIP datatype the request names. */
  public String datatype() {
    return datatype;
  }

  /** The shape the request gives, as a copy. */
  public long[] shape() {
    return shape.clone();
  }

  /** How many values the request sent. */
  public int size() {
    return values.length;
  }

  @Override
  public String toString() {
    return "InputTensor[" + name + " " + datatype + " " + java.util.Arrays.toString(shape) + "]";
  }
}
