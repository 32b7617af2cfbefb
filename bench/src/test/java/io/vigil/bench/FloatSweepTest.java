package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatSweepTest {

  @Test
  void findsNoProblemInRandomFloats() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      float f = Float.intBitsToFloat(random.nextInt(1, 0x7f800000));
      assertNull(
          FloatSweep.problem(f), () -> "bits " + Integer.toHexString(Float.floatToIntBits(f)));
    }
  }

  @Test
  void checksTheEdgesOfTheRange() {
    assertNull(FloatSweep.problem(Float.MIN_VALUE));
    assertNull(FloatSweep.problem(Float.MIN_NORMAL));
    assertNull(FloatSweep.problem(Float.MAX_VALUE));
    assertNull(FloatSweep.problem(0x1p-12f));
    assertEquals(0.1f, Float.parseFloat("0.1"));
  }
}
