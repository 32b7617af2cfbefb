package io.vigil.bench;

import java.util.Arrays;
import java.util.List;

/** Small statistics over a handful of rounds. */
final class Stats {

  private Stats() {}

  /** The median; the mean of the middle two for an even count; NaN for none. */
  static double median(List<Double> values) {
    double[] v =
        values.stream().filter(x -> !Double.isNaN(x)).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
