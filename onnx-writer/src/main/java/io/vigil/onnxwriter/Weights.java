package io.vigil.onnxwriter;

import java.util.SplittableRandom;

/** Fixed pseudo-random weights for models whose weights mean nothing. */
public final class Weights {

  private Weights() {}

  /**
   * {@code count} values drawn uniformly from {@code [-scale, scale)}, in order from {@code
   * random}, so that the same seed gives the same weights.
   */
  public static float[] uniform(SplittableRandom random, double scale, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0");
    }
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble(-1, 1) * scale);
    }
    return values;
  }
}
