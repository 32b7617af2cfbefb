package io.vigil.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link Decimals#formatFloat}, the integer algorithm, to {@link
 * Decimals#referenceFormatFloat}, exact {@link BigDecimal} arithmetic, string for string; and
 * checks the one premise of the algorithm that the reference cannot, that its 64-bit scale factors
 * never blur an integer. {@code FloatFormatSweep} runs the same comparison over far more values,
 * outside the build.
 */
class DecimalsFloatAgreementTest {

  private static final int LARGEST_SUBNORMAL = 0x007fffff;
  private static final int MIN_NORMAL = 0x00800000;
  private static final int MAX_VALUE = 0x7f7fffff;

  @Test
  void agreesWithExactArithmeticOn200000RandomBitPatterns() {
    // Eight fixed slices of 25,000 side by side: the exact arithmetic is the slow part.
    List<String> mismatches =
        IntStream.range(0, 8)
            .parallel()
            .mapToObj(
                slice -> {
                  SplittableRandom random = new SplittableRandom(20260301L + slice);
                  int checked = 0;
                  while (checked < 25_000) {
                    float f = Float.intBitsToFloat(random.nextInt());
                    if (Float.isFinite(f)) {
                      String mismatch = mismatch(f);
                      if (mismatch != null) {
                        return mismatch;
                      }
                      checked++;
                    }
                  }
                  return null;
                })
            .filter(Objects::nonNull)
            .toList();
    assertEquals(List.of(), mismatches);
  }

  @Test
  void agreesWithExactArithmeticOnEdgeValues() {
    // Subnormals from Float.MIN_VALUE up, the largest subnormal, Float.MIN_NORMAL and the normals
    // above it, Float.MAX_VALUE and the floats below it; all with their neighbours.
    for (int i = 0; i <= 1_000; i++) {
      assertAgreesBothSigns(Float.intBitsToFloat(1 + i));
      assertAgreesBothSigns(Float.intBitsToFloat(LARGEST_SUBNORMAL - i));
      assertAgreesBothSigns(Float.intBitsToFloat(MIN_NORMAL + i));
      assertAgreesBothSigns(Float.intBitsToFloat(MAX_VALUE - i));
    }
    assertEquals("1e-45", Decimals.json(Float.MIN_VALUE));
    assertEquals("1.1754942e-38", Decimals.json(Float.intBitsToFloat(LARGEST_SUBNORMAL)));
    // Powers of two over the whole exponent range (the narrower interval below 2^q), neighbours.
    for (int e = -149; e <= 127; e++) {
      assertAgreesWithNeighbours(Math.scalb(1f, e), 4);
    }
    // Powers of ten and their small multiples, and the largest 1..9 digit decimals below them.
    for (int e = -46; e <= 39; e++) {
      for (String m : new String[] {"1", "2", "5", "9", "99999", "999999999"}) {
        assertAgreesWithNeighbours(Float.parseFloat(m + "e" + e), 4);
      }
    }
    // Integers: all up to 10000, a sample up to 2^24 and beyond, and the float integers by 2^24.
    for (int i = 1; i <= 10_000; i++) {
      assertAgrees(i);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 5_000; i++) {
      assertAgrees(random.nextInt(1 << 24));
      assertAgrees(random.nextLong(1L << 24, 1L << 40));
    }
    assertAgreesWithNeighbours(0x1p24f, 200);
    assertEquals("16777216", Decimals.json(16777217f));
    // The layout's boundaries: below 1e-6 the exponent form takes over, at 0.1, 1 and 10 the point
    // moves, and from 1e21 up the exponent form takes over again.
    for (String boundary :
        new String[] {"1e-7", "1e-6", "1e-5", "0.1", "1", "10", "1e20", "1e21"}) {
      assertAgreesWithNeighbours(Float.parseFloat(boundary), 50);
    }
    assertEquals("0.000001", Decimals.json(1e-6f));
    assertEquals("9.999999e-7", Decimals.json(Math.nextDown(1e-6f)));
    assertEquals("100000000000000000000", Decimals.json(1e20f));
    assertEquals("1e+21", Decimals.json(1e21f));
    assertEquals("999999950000000000000", Decimals.json(Math.nextDown(1e21f)));
    // Decimals of 1 to 9 digits at every scale, read as floats: their shortest forms have at most
    // as many digits.
    BitSet lengths = new BitSet();
    for (int digits = 1; digits <= 9; digits++) {
      long lowest = (long) Math.pow(10, digits - 1);
      for (int i = 0; i < 1_000; i++) {
        long d = random.nextLong(lowest, lowest * 10);
        float f = Float.parseFloat(d + "e" + random.nextInt(-45 - digits, 39 - digits));
        if (f != 0 && Float.isFinite(f)) {
          assertAgrees(f);
          lengths.set(Decimals.referenceShortestFloat(f).digits().length());
        }
      }
    }
    // Nine digits, the most a float needs (about 1.5% of all floats; the decimals above read as
    // floats rarely need them).
    int nines = 0;
    while (nines < 200) {
      float f = Float.intBitsToFloat(random.nextInt(1, 0x7f800000));
      int length = Decimals.referenceShortestFloat(f).digits().length();
      if (length == 9) {
        assertAgreesBothSigns(f);
        nines++;
      }
      lengths.set(length);
    }
    // Every length from 1 to 9 has occurred.
    assertEquals(9, lengths.cardinality(), "lengths seen: " + lengths);
    assertEquals(1, lengths.nextSetBit(0));
    // Feature-like values.
    for (int i = 0; i < 4_000; i++) {
      assertAgrees((float) random.nextDouble());
      assertAgrees((float) (random.nextDouble() * 1000));
      assertAgrees((float) random.nextGaussian());
    }
  }

  /**
   * Floats exactly halfway between the two nearest decimals of the shortest length that reads back,
   * both of which do: {@code v = (2s + 1)/2 · 10^k}, so {@code c·2^(q+1)·10^-k} is odd, which takes
   * c with exactly {@code k - q - 1} trailing zero bits.
   */
  @Test
  void agreesWithExactArithmeticWhereTwoShortestDecimalsTie() {
    SplittableRandom random = new SplittableRandom(11);
    int ties = 0;
    for (int q = -40; q < 0; q++) {
      int zeros = Decimals.largestPow10AtMost(q, false) - q - 1;
      if (zeros < 0 || zeros > 22) {
        continue;
      }
      for (int i = 0; i < 300; i++) {
        int odd = random.nextInt(1 << (23 - zeros), 1 << (24 - zeros)) | 1;
        int bits = (q + 150) << 23 | ((odd << zeros) & 0x7fffff);
        float f = Float.intBitsToFloat(bits);
        assertAgrees(f);
        Decimals.Decimal d = Decimals.referenceShortestFloat(f);
        BigDecimal last = BigDecimal.ONE.scaleByPowerOfTen(d.point() - d.digits().length());
        BigDecimal offset = new BigDecimal(f).subtract(new BigDecimal(d.digits()).multiply(last));
        if (offset.abs().compareTo(last.divide(BigDecimal.valueOf(2))) == 0) {
          ties++;
        }
      }
    }
    assertTrue(ties > 1_000, ties + " ties");
  }

  /**
   * The premise of the algorithm's arithmetic (see {@code Decimals.scaled}): for every float
   * exponent q, with its k, the scale factor is {@code g = ceil(2^q·10^-k·2^59)} in 63 bits, and no
   * product {@code cp·2^q·10^-k} that the algorithm forms and that is not an integer lies within
   * {@code 2^-32} of one. The algorithm forms such products with every {@code 0 < cp < 2^26} where
   * the interval is symmetric, but only with {@code 4c - 1}, {@code 4c} and {@code 4c + 2}, {@code
   * c = 2^23}, where it is narrower below; those three are checked directly. For the rest, where
   * {@code 2^q·10^-k = P/Q} in lowest terms with {@code Q <= 2^32}, it holds as every such product
   * is a multiple of {@code 1/Q}; otherwise no such product is an integer, and the closest to one
   * is {@code cp·P/Q} for a convergent denominator cp of P/Q (the best approximations of the second
   * kind are the convergents), so those are checked. (The closest found is about {@code 2^-31.7},
   * at q = 55: the premise holds with little to spare, which is why it is checked here.)
   */
  @Test
  void scaleFactorsKeepEveryComparisonExact() {
    for (int be = 0; be < 255; be++) {
      int q = Math.max(be, 1) - 150;
      for (boolean narrowBelow : new boolean[] {false, true}) {
        if (narrowBelow && be < 2) {
          continue; // 2^-126 has the same spacing below it as above: the subnormals'
        }
        int k = Decimals.largestPow10AtMost(q, narrowBelow);
        BigDecimal width = new BigDecimal(Math.scalb(narrowBelow ? 0.75 : 1.0, q));
        assertEquals(width.precision() - width.scale() - 1, k, "floor(log10(" + width + "))");
        BigInteger p = BigInteger.ONE.shiftLeft(Math.max(q, 0));
        BigInteger d = BigInteger.ONE.shiftLeft(Math.max(-q, 0));
        if (k < 0) {
          p = p.multiply(BigInteger.TEN.pow(-k));
        } else {
          d = d.multiply(BigInteger.TEN.pow(k));
        }
        BigInteger gcd = p.gcd(d);
        p = p.divide(gcd);
        d = d.divide(gcd);
        long g = Decimals.scaleFactor(q, k);
        BigInteger g59 = BigInteger.valueOf(g).multiply(d);
        BigInteger exact59 = p.shiftLeft(59);
        assertTrue(g59.compareTo(exact59) >= 0, "g below 2^q·10^-k·2^59 at q=" + q);
        assertTrue(g59.subtract(d).compareTo(exact59) < 0, "g not the ceiling at q=" + q);
        if (narrowBelow) {
          for (int cp : new int[] {(4 << 23) - 1, 4 << 23, (4 << 23) + 2}) {
            assertFarFromIntegers(BigInteger.valueOf(cp), p, d, q, k);
          }
        } else if (d.bitLength() > 32) {
          assertConvergentsFarFromIntegers(p, d, q, k);
        }
      }
    }
  }

  /**
   * Checks {@code cp·p/d} for the convergent denominators cp below {@code 2^26}: {@code h(n) =
   * a(n)·h(n-1) + h(n-2)}, {@code h(-1) = 0}, {@code h(-2) = 1}, with the partial quotients a(n)
   * from Euclid's algorithm on (p, d).
   */
  private static void assertConvergentsFarFromIntegers(BigInteger p, BigInteger d, int q, int k) {
    BigInteger limit = BigInteger.ONE.shiftLeft(26);
    BigInteger num = p;
    BigInteger den = d;
    BigInteger h2 = BigInteger.ONE;
    BigInteger h1 = BigInteger.ZERO;
    while (den.signum() != 0) {
      BigInteger[] quotientAndRemainder = num.divideAndRemainder(den);
      BigInteger h = quotientAndRemainder[0].multiply(h1).add(h2);
      if (h.compareTo(limit) >= 0) {
        return;
      }
      assertFarFromIntegers(h, p, d, q, k);
      num = den;
      den = quotientAndRemainder[1];
      h2 = h1;
      h1 = h;
    }
  }

  /** {@code cp·p/d} is an integer or at least {@code 2^-32} from one. */
  private static void assertFarFromIntegers(
      BigInteger cp, BigInteger p, BigInteger d, int q, int k) {
    BigInteger r = cp.multiply(p).mod(d);
    if (r.signum() != 0 && r.min(d.subtract(r)).shiftLeft(32).compareTo(d) < 0) {
      fail("cp=" + cp + " comes within 2^-32 of an integer at q=" + q + ", k=" + k);
    }
  }

  private static void assertAgreesWithNeighbours(float f, int steps) {
    float below = f;
    float above = f;
    assertAgreesBothSigns(f);
    for (int i = 0; i < steps; i++) {
      below = Math.nextDown(below);
      above = Math.nextUp(above);
      assertAgreesBothSigns(below);
      assertAgreesBothSigns(above);
    }
  }

  private static void assertAgreesBothSigns(float f) {
    if (Float.isFinite(f)) {
      assertAgrees(f);
      assertAgrees(-f);
    }
  }

  private static void assertAgrees(float f) {
    String mismatch = mismatch(f);
    if (mismatch != null) {
      fail(mismatch);
    }
  }

  /** What is wrong with how f is written, or null. */
  private static String mismatch(float f) {
    String written = Decimals.json(f);
    String expected = Decimals.referenceFormatFloat(f);
    if (!written.equals(expected)) {
      return "bits 0x"
          + Integer.toHexString(Float.floatToRawIntBits(f))
          + ": wrote "
          + written
          + ", exact arithmetic gives "
          + expected;
    }
    if (f != 0 && Float.parseFloat(written) != f) {
      return written + " does not read back as " + f;
    }
    return null;
  }
}
