package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IntervalTest {

  @Test
  void wilsonIntervalOf45OutOf50MatchesThePublishedValue() {
    Interval ci = Interval.wilson(45, 50);

    // Newcombe (1998) style tables give 0.7864 to 0.9565 for 45/50.
    assertEquals(0.7864, ci.low(), 5e-5);
    assertEquals(0.9565, ci.high(), 5e-5);
  }

  @Test
  void wilsonIntervalStaysInsideZeroAndOneAtTheExtremes() {
    Interval none = Interval.wilson(0, 10);
    Interval all = Interval.wilson(10, 10);

    assertEquals(0.0, none.low());
    assertEquals(0.2775327998628892, none.high(), 1e-12);
    assertEquals(0.7224672001371107, all.low(), 1e-12);
    assertEquals(1.0, all.high(), 1e-12);
  }

  @Test
  void wilsonRefusesMoreSuccessesThanTrials() {
    assertThrows(IllegalArgumentException.class, () -> Interval.wilson(11, 10));
  }
}
