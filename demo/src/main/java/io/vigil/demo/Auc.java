package io.vigil.demo;

/**
 * The area under the ROC curve with DeLong's variance and a normal-approximation 95% interval,
 * clipped to [0, 1].
 */
record Auc(double value, double variance, Interval interval) {

  /** Scores of the positive and the negative cases; a tie counts one half. */
  static Auc deLong(double[] positives, double[] negatives) {
    int m = positives.length;
    int n = negatives.length;
    if (m < 2 || n < 2) {
      throw new IllegalArgumentException("DeLong needs two cases of each class");
    }
    double[] v10 = new double[m];
    double[] v01 = new double[n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double psi = kernel(positives[i], negatives[j]);
        v10[i] += psi;
        v01[j] += psi;
      }
    }
    double sum = 0;
    for (int i = 0; i < m; i++) {
      sum += v10[i];
      v10[i] /= n;
    }
    for (int j = 0; j < n; j++) {
      v01[j] /= m;
    }
    double auc = sum / ((double) m * n);
    double variance = sampleVariance(v10, auc) / m + sampleVariance(v01, auc) / n;
    double half = Interval.Z_95 * Math.sqrt(variance);
    return new Auc(auc, variance, new Interval(Math.max(0, auc - half), Math.min(1, auc + half)));
  }

  private static double kernel(double positive, double negative) {
    if (positive > negative) {
      return 1;
    }
    return positive == negative ? 0.5 : 0;
  }

  private static double sampleVariance(double[] values, double mean) {
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return squares / (values.length - 1);
  }
}
