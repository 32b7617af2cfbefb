package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AucTest {

  @Test
  void deLongVarianceOfAHandWorkedExample() {
    // Pairs (positive > negative): 0.8 beats both, 0.6 beats both, 0.4 beats only 0.3.
    // V10 = [1, 1, 1/2], V01 = [2/3, 1]; S10 = 1/12, S01 = 1/18; var = S10/3 + S01/2 = 1/18.
    Auc auc = Auc.deLong(new double[] {0.8, 0.6, 0.4}, new double[] {0.5, 0.3});

    assertEquals(5.0 / 6, auc.value(), 1e-15);
    assertEquals(1.0 / 18, auc.variance(), 1e-15);
    double half = 1.959963984540054 * Math.sqrt(1.0 / 18);
    assertEquals(5.0 / 6 - half, auc.interval().low(), 1e-12);
    assertEquals(1.0, auc.interval().high());
  }

  @Test
  void deLongCountsATieAsOneHalf() {
    // Pairs: 1, 1, 1/2 (0.5 vs 0.5), 1; V10 = [1, 3/4], V01 = [3/4, 1]; S10 = S01 = 1/32;
    // var = S10/2 + S01/2 = 1/32.
    Auc auc = Auc.deLong(new double[] {0.7, 0.5}, new double[] {0.5, 0.2});

    assertEquals(0.875, auc.value(), 1e-15);
    assertEquals(0.03125, auc.variance(), 1e-15);
  }

  @Test
  void perfectSeparationHasNoVarianceAndAnIntervalOfOne() {
    Auc auc = Auc.deLong(new double[] {0.9, 0.8, 0.7}, new double[] {0.3, 0.2, 0.1});

    assertEquals(1.0, auc.value());
    assertEquals(0.0, auc.variance());
    assertEquals(1.0, auc.interval().low());
  }
}
