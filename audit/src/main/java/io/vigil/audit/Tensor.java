package io.vigil.audit;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float tensor of a prediction, row-major; {@code NaN} marks a missing value.
 *
 * <p>In canonical JSON a value is written by one JDK-independent function (shortest round-trip
 * decimal of the float), a missing value as {@code null} and an infinity as the string {@code
 * "Infinity"} or {@code "-Infinity"}; {@code -0} reads back as {@code 0}.
 */
public record Tensor(String name, long[] shape, float[] values) {

  public Tensor {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("tensor name is empty");
    }
    shape = shape.clone();
    values = values.clone();
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("tensor " + name + " has a negative dimension");
      }
      count = Math.multiplyExact(count, dim);
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " has shape "
              + Arrays.toString(shape)
              + " but "
              + values.length
              + " values");
    }
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A copy of the values. */
  @Override
  public float[] values() {
    return values.clone();
  }

  long[] shapeUnsafe() {
    return shape;
  }

  float[] valuesUnsafe() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + Arrays.toString(shape) + " " + Arrays.toString(values) + "]";
  }
}
