package io.vigil.inference;

import java.util.BitSet;
import java.util.Objects;

/**
 * One input tensor of a request as the device sent it, before it is checked against the manifest.
 *
 * @param values the values, row-major; a missing ({@code null}) value is {@code NaN} here and its
 *     index is set in {@code nulls}
 */
public record InputTensor(
    String name, String datatype, long[] shape, float[] values, BitSet nulls) {
  public InputTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(nulls, "nulls");
  }
}
