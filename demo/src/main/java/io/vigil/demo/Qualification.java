package io.vigil.demo;

import java.util.List;

/**
 * The threshold chosen on the validation split and the performance measured with it on the
 * untouched test split.
 */
record Qualification(
    double threshold, Confusion validation, Auc auc, Confusion test, List<RocCurve.Point> roc) {

  Qualification {
    roc = List.copyOf(roc);
  }

  static Qualification of(Scored validation, Scored test) {
    double threshold =
        OperatingPoint.highestThreshold(validation.scoresOf(true), OperatingPoint.MIN_SENSITIVITY);
    return new Qualification(
        threshold,
        Confusion.at(validation.scores(), validation.malignant(), threshold),
        Auc.deLong(test.scoresOf(true), test.scoresOf(false)),
        Confusion.at(test.scores(), test.malignant(), threshold),
        RocCurve.points(test.scores(), test.malignant()));
  }
}
