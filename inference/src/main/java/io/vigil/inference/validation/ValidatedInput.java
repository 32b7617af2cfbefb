package io.vigil.inference.validation;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A request's inputs after they matched the manifest: one flat row-major array per manifest input,
 * in manifest order, and the out-of-range values that the policy let through. It cannot change once
 * made: the values are read through read-only views or copies.
 */
public final class ValidatedInput {

  private final int rows;
  private final float[][] values;
  private final List<String> flags;

  private ValidatedInput(int rows, float[][] values, List<String> flags) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows < 1");
    }
    this.rows = rows;
    this.values = values;
    this.flags = List.copyOf(flags);
  }

  /**
   * Input that was checked elsewhere (tests, replays of recorded input): {@code values} holds one
   * flat row-major array per manifest input, in manifest order, and is copied.
   */
  public static ValidatedInput of(int rows, float[][] values, List<String> flags) {
    float[][] copy = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i].clone();
    }
    return new ValidatedInput(rows, copy, flags);
  }

  /** Made by the validator from arrays that are already its own copies. */
  static ValidatedInput adopt(int rows, float[][] values, List<String> flags) {
    return new ValidatedInput(rows, values, flags);
  }

  /** The rows of every input. */
  public int rows() {
    return rows;
  }

  /** The number of inputs, as the manifest lists them. */
  public int inputs() {
    return values.length;
  }

  /** The values of one input, row-major, as a read-only view. */
  public FloatBuffer values(int input) {
    return FloatBuffer.wrap(values[input]).asReadOnlyBuffer();
  }

  /** The values of one input, row-major, as a copy. */
  public float[] copyOfValues(int input) {
    return values[input].clone();
  }

  /** The out-of-range values that the range policy let through, described for the response. */
  public List<String> flags() {
    return flags;
  }
}
