package io.vigil.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DecimalsTest {

  @Test
  void writesFloatsAsTheShortestDecimalInEcmaScriptLayout() {
    assertEquals("0.1", Decimals.json(0.1f));
    assertEquals("0.3", Decimals.json(0.3f));
    assertEquals("1", Decimals.json(1f));
    assertEquals("-2.5", Decimals.json(-2.5f));
    assertEquals("100", Decimals.json(100f));
    assertEquals("0.002", Decimals.json(2.0e-3f));
    assertEquals("0.000001", Decimals.json(1.0e-6f));
    assertEquals("1e-7", Decimals.json(1.0e-7f));
    assertEquals("123456.78", Decimals.json(123456.78f));
    assertEquals("16777216", Decimals.json(16777216f));
    assertEquals("30000000000", Decimals.json(3.0e10f));
    assertEquals("1e+21", Decimals.json(1.0e21f));
    assertEquals("3.4028235e+38", Decimals.json(Float.MAX_VALUE));
    assertEquals("1.1754944e-38", Decimals.json(Float.MIN_NORMAL));
    assertEquals("1e-45", Decimals.json(Float.MIN_VALUE));
    assertEquals("0", Decimals.json(-0f));
  }

  @Test
  void writesDoublesAsTheShortestDecimalInEcmaScriptLayout() {
    assertEquals("0.1", Decimals.json(0.1));
    assertEquals("0.3333333333333333", Decimals.json(1.0 / 3));
    assertEquals("100000000000000000000", Decimals.json(1e20));
    assertEquals("1e+21", Decimals.json(1e21));
    // JDK 17's Double.toString writes 2.82879384806159008E17 here: one digit too many.
    assertEquals("282879384806159000", Decimals.json(2.82879384806159e17));
    assertEquals("1.7976931348623157e+308", Decimals.json(Double.MAX_VALUE));
    assertEquals("5e-324", Decimals.json(Double.MIN_VALUE));
  }

  @Test
  void breaksTiesBetweenTwoShortestDecimalsTowardsTheEvenOne() {
    // 2^20 + 1/4: 1048576.2 and 1048576.3 both read back and are equally close.
    assertEquals("1048576.2", Decimals.json(1048576.25f));
    assertEquals("1048576.8", Decimals.json(1048576.75f));
    // 2^-12 = 0.000244140625, a power of two: the interval is narrower below.
    assertEquals("0.00024414062", Decimals.json(0x1p-12f));
    assertEquals("-0.00024414062", Decimals.json(-0x1p-12f));
  }

  @Test
  void appendFloatAppendsWhatFormatFloatReturns() {
    StringBuilder sb = new StringBuilder("[");
    Decimals.appendJson(sb, 17.99f);
    sb.append(',');
    Decimals.appendJson(sb, -0f);
    sb.append(',');
    Decimals.appendJson(sb, -1.0e-7f);
    assertEquals("[17.99,0,-1e-7", sb.toString());
    for (float f : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> Decimals.appendJson(sb, f));
      assertThrows(IllegalArgumentException.class, () -> Decimals.json(f));
    }
    assertEquals("[17.99,0,-1e-7", sb.toString());
  }
}
