package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WilsonTest {

  @Test
  void matchesPublishedIntervals() {
    // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3: 81/263 and 15/148.
    assertArrayEquals(new double[] {0.2553, 0.3662}, Wilson.interval(81, 263), 5e-5);
    assertArrayEquals(new double[] {0.0624, 0.1605}, Wilson.interval(15, 148), 5e-5);
    // The demo bundle's claimed sensitivity (38 of 42) and specificity (71 of 71).
    assertArrayEquals(
        new double[] {0.7793489419142897, 0.9623377511944261}, Wilson.interval(38, 42), 1e-12);
    assertArrayEquals(new double[] {0.9486720478031097, 1.0}, Wilson.interval(71, 71), 1e-12);
  }

  @Test
  void staysInsideTheUnitIntervalAtTheEnds() {
    // given no success, or no failure
    // then the bound on that side is exactly 0 or 1
    assertArrayEquals(new double[] {0, 0.2775}, Wilson.interval(0, 10), 5e-5);
    assertArrayEquals(new double[] {0.7225, 1}, Wilson.interval(10, 10), 5e-5);
    assertArrayEquals(new double[] {0, 1}, Wilson.interval(0, 0), 0);
  }

  @Test
  void refusesMoreSuccessesThanTrials() {
    assertThrows(IllegalArgumentException.class, () -> Wilson.interval(3, 2));
  }
}
