package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatingPointTest {

  @Test
  void choosesTheHighestThresholdThatKeepsTheSensitivity() {
    // 20 positives: 0.95 of them is 19, so the threshold is the 19th highest score, 0.02.
    double[] positives = new double[20];
    for (int i = 0; i < 20; i++) {
      positives[i] = (i + 1) / 100.0;
    }

    double threshold = OperatingPoint.highestThreshold(positives, 0.95);

    assertEquals(0.02, threshold);
    assertEquals(19, Confusion.at(positives, trues(20), threshold).tp());
  }

  @Test
  void roundsTheNeededCountUp() {
    // 42 positives: 0.95 x 42 = 39.9, so 40 must be called; the 40th highest of 1..42 is 3.
    double[] positives = new double[42];
    for (int i = 0; i < 42; i++) {
      positives[i] = i + 1;
    }

    assertEquals(3.0, OperatingPoint.highestThreshold(positives, 0.95));
  }

  @Test
  void rocPointsRunFromTheHighestScoreDown() {
    double[] scores = {0.9, 0.4, 0.4, 0.1};
    boolean[] positive = {true, true, false, false};

    List<RocCurve.Point> roc = RocCurve.points(scores, positive);

    assertEquals(
        List.of(
            new RocCurve.Point(0.9, 0.5, 0.0),
            new RocCurve.Point(0.4, 1.0, 0.5),
            new RocCurve.Point(0.1, 1.0, 1.0)),
        roc);
  }

  private static boolean[] trues(int n) {
    boolean[] b = new boolean[n];
    Arrays.fill(b, true);
    return b;
  }
}
