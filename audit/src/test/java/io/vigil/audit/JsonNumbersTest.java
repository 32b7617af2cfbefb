package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonNumbersTest {

  @Test
  void writesFloatsAsTheShortestDecimalInEcmaScriptLayout() {
    assertEquals("0.1", JsonNumbers.formatFloat(0.1f));
    assertEquals("0.3", JsonNumbers.formatFloat(0.3f));
    assertEquals("1", JsonNumbers.formatFloat(1f));
    assertEquals("-2.5", JsonNumbers.formatFloat(-2.5f));
    assertEquals("100", JsonNumbers.formatFloat(100f));
    assertEquals("0.002", JsonNumbers.formatFloat(2.0e-3f));
    assertEquals("0.000001", JsonNumbers.formatFloat(1.0e-6f));
    assertEquals("1e-7", JsonNumbers.formatFloat(1.0e-7f));
    assertEquals("123456.78", JsonNumbers.formatFloat(123456.78f));
    assertEquals("16777216", JsonNumbers.formatFloat(16777216f));
    assertEquals("30000000000", JsonNumbers.formatFloat(3.0e10f));
    assertEquals("1e+21", JsonNumbers.formatFloat(1.0e21f));
    assertEquals("3.4028235e+38", JsonNumbers.formatFloat(Float.MAX_VALUE));
    assertEquals("1.1754944e-38", JsonNumbers.formatFloat(Float.MIN_NORMAL));
    assertEquals("1e-45", JsonNumbers.formatFloat(Float.MIN_VALUE));
    assertEquals("0", JsonNumbers.formatFloat(-0f));
  }

  @Test
  void writesDoublesAsTheShortestDecimalInEcmaScriptLayout() {
    assertEquals("0.1", JsonNumbers.formatDouble(0.1));
    assertEquals("0.3333333333333333", JsonNumbers.formatDouble(1.0 / 3));
    assertEquals("100000000000000000000", JsonNumbers.formatDouble(1e20));
    assertEquals("1e+21", JsonNumbers.formatDouble(1e21));
    // JDK 17's Double.toString writes 2.82879384806159008E17 here: one digit too many.
    assertEquals("282879384806159000", JsonNumbers.formatDouble(2.82879384806159e17));
    assertEquals("1.7976931348623157e+308", JsonNumbers.formatDouble(Double.MAX_VALUE));
    assertEquals("5e-324", JsonNumbers.formatDouble(Double.MIN_VALUE));
  }

  @Test
  void breaksTiesBetweenTwoShortestDecimalsTowardsTheEvenOne() {
    // 2^20 + 1/4: 1048576.2 and 1048576.3 both read back and are equally close.
    assertEquals("1048576.2", JsonNumbers.formatFloat(1048576.25f));
    assertEquals("1048576.8", JsonNumbers.formatFloat(1048576.75f));
    // 2^-12 = 0.000244140625, a power of two: the interval is narrower below.
    assertEquals("0.00024414062", JsonNumbers.formatFloat(0x1p-12f));
    assertEquals("-0.00024414062", JsonNumbers.formatFloat(-0x1p-12f));
  }

  @Test
  void appendFloatAppendsWhatFormatFloatReturns() {
    StringBuilder sb = new StringBuilder("[");
    JsonNumbers.appendFloat(sb, 17.99f);
    sb.append(',');
    JsonNumbers.appendFloat(sb, -0f);
    sb.append(',');
    JsonNumbers.appendFloat(sb, -1.0e-7f);
    assertEquals("[17.99,0,-1e-7", sb.toString());
    for (float f : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> JsonNumbers.appendFloat(sb, f));
      assertThrows(IllegalArgumentException.class, () -> JsonNumbers.formatFloat(f));
    }
    assertEquals("[17.99,0,-1e-7", sb.toString());
  }
}
