package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.util.List;

/** Per-feature mean and sample standard deviation of the training split. */
record Standardisation(double[] mean, double[] sd) {

  static Standardisation fit(List<Sample> train) {
    int width = train.get(0).features().length;
    double[] mean = new double[width];
    double[] sd = new double[width];
    for (int j = 0; j < width; j++) {
      double sum = 0;
      for (Sample s : train) {
        sum += s.features()[j];
      }
      mean[j] = sum / train.size();
      double squares = 0;
      for (Sample s : train) {
        double d = s.features()[j] - mean[j];
        squares += d * d;
      }
      sd[j] = Math.sqrt(squares / (train.size() - 1));
      if (!(sd[j] > 0)) {
        throw new IllegalArgumentException("feature " + j + " is constant in the training split");
      }
    }
    return new Standardisation(mean, sd);
  }

  double[] apply(double[] raw) {
    double[] z = new double[raw.length];
    for (int j = 0; j < raw.length; j++) {
      z[j] = (raw[j] - mean[j]) / sd[j];
    }
    return z;
  }
}
