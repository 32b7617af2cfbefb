package io.vigil.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalsPlainTest {

  @Test
  void writesTheShortestDecimalWithoutExponent() {
    assertEquals("0.1", Decimals.plain(0.1));
    assertEquals("0.1", Decimals.plain(0.1f));
    assertEquals("0.0000001", Decimals.plain(1e-7));
    assertEquals("100000000000000000000000", Decimals.plain(1e23));
    assertEquals("-2.5", Decimals.plain(-2.5f));
    assertEquals("0", Decimals.plain(-0.0));
    assertEquals("0.95", Decimals.plain(0.95));
  }

  @Test
  void shortestAgreesWithTheJsonLayout() {
    for (float f : new float[] {0.1f, 3.4028235e38f, 1e-45f, 123456.78f, -0.00024414062f}) {
      assertEquals(0, new BigDecimal(Decimals.json(f)).compareTo(Decimals.shortest(f)));
    }
    for (double d : new double[] {0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, -1e21}) {
      assertEquals(0, new BigDecimal(Decimals.json(d)).compareTo(Decimals.shortest(d)));
    }
  }

  @Test
  void refusesWhatIsNotFinite() {
    assertThrows(IllegalArgumentException.class, () -> Decimals.shortest(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Decimals.plain(Float.POSITIVE_INFINITY));
  }
}
