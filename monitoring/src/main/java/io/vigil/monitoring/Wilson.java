package io.vigil.monitoring;

/**
 * The Wilson score interval of a binomial proportion: unlike the normal approximation it stays
 * inside [0, 1] and keeps its coverage for small counts and proportions near 0 or 1, which is where
 * a model's sensitivity lives.
 */
final class Wilson {

  /** The normal quantile of a two-sided 95% interval. */
  static final double Z95 = 1.959963984540054;

  private Wilson() {}

  /** The 95% interval of {@code successes} in {@code trials}, as {low, high}; [0, 1] for none. */
  static double[] interval(long successes, long trials) {
    if (trials < 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException("expected 0 <= successes <= trials");
    }
    if (trials == 0) {
      return new double[] {0, 1};
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    // At 0 and n successes the exact bound is 0 or 1; rounding must not move it.
    double low = successes == 0 ? 0 : Math.max(0, centre - half);
    double high = successes == trials ? 1 : Math.min(1, centre + half);
    return new double[] {low, high};
  }
}
