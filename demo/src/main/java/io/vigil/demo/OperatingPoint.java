package io.vigil.demo;

import java.util.Arrays;

/** Chooses the operating threshold on the validation split. */
final class OperatingPoint {

  /** The sensitivity the threshold must reach on the validation split. */
  static final double MIN_SENSITIVITY = 0.95;

  private OperatingPoint() {}

  /**
   * The highest threshold at which at least {@code minSensitivity} of the positives score at or
   * above it: the k-th highest positive score, with k the smallest count that reaches it.
   */
  static double highestThreshold(double[] positiveScores, double minSensitivity) {
    if (positiveScores.length == 0) {
      throw new IllegalArgumentException("no positive cases to choose a threshold on");
    }
    double[] sorted = positiveScores.clone();
    Arrays.sort(sorted);
    int needed = (int) Math.ceil(minSensitivity * sorted.length - 1e-9);
    return sorted[sorted.length - Math.max(needed, 1)];
  }
}
