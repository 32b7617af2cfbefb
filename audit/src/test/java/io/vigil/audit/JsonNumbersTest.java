package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
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
  void fastFloatPathAgreesWithExactArithmeticOnRandomAndEdgeValues() {
    SplittableRandom random = new SplittableRandom(20260301);
    for (int i = 0; i < 10_000; i++) {
      float f = Float.intBitsToFloat(random.nextInt());
      if (Float.isFinite(f) && f != 0) {
        assertAgrees(f);
      }
    }
    for (int i = 0; i < 5_000; i++) {
      assertAgrees((float) (random.nextDouble() * 1000));
      assertAgrees((float) random.nextGaussian());
    }
    for (int bits = 1; bits < 300; bits++) {
      assertAgrees(Float.intBitsToFloat(bits));
      assertAgrees(Float.intBitsToFloat(0x7f7fffff - bits));
    }
    for (int e = -149; e <= 127; e++) {
      float p = (float) Math.scalb(1.0, e);
      assertAgrees(p);
      assertAgrees(Math.nextUp(p));
      assertAgrees(Math.nextDown(p));
    }
  }

  private static void assertAgrees(float f) {
    if (f == 0) {
      return;
    }
    String written = JsonNumbers.formatFloat(f);
    JsonNumbers.Decimal exact = JsonNumbers.referenceShortestFloat(Math.abs(f));
    float back = Float.parseFloat(written);
    assertEquals(f, back, "round trip of " + f + " written as " + written);
    String digits = written.replaceAll("e.*", "").replace("-", "").replace(".", "");
    digits = digits.replaceAll("^0+", "").replaceAll("0+$", "");
    assertEquals(exact.digits(), digits, "digits of " + f + " written as " + written);
  }
}
