package io.vigil.monitoring;

/** The few distributions the policy needs, in closed form or by well-known approximations. */
final class Statistics {

  private Statistics() {}

  /**
   * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
   */
  static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), not " + p);
    }
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -normalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }

  /** The chi-square quantile with {@code df} degrees of freedom (Wilson and Hilferty). */
  static double chiSquareQuantile(double p, int df) {
    double z = normalQuantile(p);
    double h = 2.0 / (9.0 * df);
    double t = 1 - h + z * Math.sqrt(h);
    return df * t * t * t;
  }

  /**
   * The population stability index of live bin counts against reference proportions; an empty bin
   * counts as a small share, so that one unseen bin does not make it infinite.
   */
  static double psi(long[] counts, long n, double[] reference) {
    double psi = 0;
    for (int i = 0; i < counts.length; i++) {
      double q = Math.max(counts[i] / (double) n, 1e-4);
      double p = Math.max(reference[i], 1e-4);
      psi += (q - p) * Math.log(q / p);
    }
    return psi;
  }
}
