package io.vigil.demo;

/** Counts at an operating threshold; a case is called positive when its score >= threshold. */
record Confusion(int tp, int fp, int tn, int fn) {

  static Confusion at(double[] scores, boolean[] positive, double threshold) {
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean called = scores[i] >= threshold;
      if (positive[i]) {
        if (called) {
          tp++;
        } else {
          fn++;
        }
      } else if (called) {
        fp++;
      } else {
        tn++;
      }
    }
    return new Confusion(tp, fp, tn, fn);
  }

  double sensitivity() {
    return tp / (double) (tp + fn);
  }

  double specificity() {
    return tn / (double) (tn + fp);
  }

  Interval sensitivityInterval() {
    return Interval.wilson(tp, tp + fn);
  }

  Interval specificityInterval() {
    return Interval.wilson(tn, tn + fp);
  }
}
