package io.vigil.demo;

/** A two-sided 95% confidence interval. */
record Interval(double low, double high) {

  /** The 97.5th percentile of the standard normal distribution. */
  static final double Z_95 = 1.959963984540054;

  /** Wilson's score interval for a proportion of {@code successes} out of {@code trials}. */
  static Interval wilson(int successes, int trials) {
    if (trials <= 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(successes + " successes out of " + trials + " trials");
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z_95 * Z_95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = Z_95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
