package io.vigil.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ROC curve's points, one per distinct score, from the highest score down. */
final class RocCurve {

  /** True and false positive rates when every score >= threshold is called positive. */
  record Point(double threshold, double tpr, double fpr) {}

  private RocCurve() {}

  static List<Point> points(double[] scores, boolean[] positive) {
    double[] distinct = Arrays.stream(scores).distinct().sorted().toArray();
    List<Point> points = new ArrayList<>(distinct.length);
    for (int k = distinct.length - 1; k >= 0; k--) {
      Confusion c = Confusion.at(scores, positive, distinct[k]);
      points.add(new Point(distinct[k], c.sensitivity(), 1 - c.specificity()));
    }
    return points;
  }
}
