package io.vigil.canonical;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers in canonical JSON, written the same way on every JDK.
 *
 * <p>A finite value is written as the shortest decimal that reads back as the same binary value,
 * the closest such decimal to the exact binary value when several have that length, the one with an
 * even last digit on a tie; and in the layout of ECMAScript's {@code Number::toString} (the layout
 * RFC 8785 uses). Floats use float precision ({@code 0.1f} is {@code 0.1}), doubles double
 * precision. {@link Float#toString} is not used: its digits changed in JDK 19, and before that it
 * did not always give the shortest. Doubles, which the ledger writes rarely, are worked out with
 * exact {@link BigDecimal} arithmetic. Floats, of which every prediction stores dozens, take a
 * Schubfach-style integer algorithm (R. Giulietti, "The Schubfach way to render doubles", 2020):
 * the value and the ends of its rounding interval, scaled by a power of ten, are each computed with
 * one 64-bit multiplication, rounded to odd, which keeps every comparison the algorithm makes with
 * an even integer exact (see {@link #scaled}). {@link #referenceShortestFloat} is the exact
 * arithmetic specification that the tests hold this to.
 */
public final class Decimals {

  private static final BigDecimal HALF = new BigDecimal("0.5");

  /** {@code 10^i} for i in [0, 9]. */
  private static final int[] INT_POW10 = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  /**
   * Per biased exponent {@code be} of a float, whose binary exponent is {@code q = max(be, 1) -
   * 150}: the decimal exponent k of the scale {@code 10^k} at which the algorithm looks for digits,
   * the largest with {@code 10^k} at most {@code 2^q}, the width of the rounding interval; and
   * {@code ceil(2^q·10^-k·2^59)}, the scale factor {@code 2^q·10^-k} (in [1, 10)) in 59 fraction
   * bits.
   */
  private static final int[] FLOAT_K = new int[255];

  private static final long[] FLOAT_G = new long[255];

  /**
   * The same where the significand is a power of two ({@code be >= 2}): the float below is then
   * half as far as the one above, the rounding interval {@code 3/4·2^q} wide, k the largest with
   * {@code 10^k <= 3/4·2^q} and the scale factor in [4/3, 40/3).
   */
  private static final int[] FLOAT_K_BOUNDARY = new int[255];

  private static final long[] FLOAT_G_BOUNDARY = new long[255];

  static {
    for (int be = 0; be < 255; be++) {
      int q = Math.max(be, 1) - 150;
      FLOAT_K[be] = largestPow10AtMost(q, false);
      FLOAT_G[be] = scaleFactor(q, FLOAT_K[be]);
      FLOAT_K_BOUNDARY[be] = largestPow10AtMost(q, true);
      FLOAT_G_BOUNDARY[be] = scaleFactor(q, FLOAT_K_BOUNDARY[be]);
    }
  }

  private Decimals() {}

  /**
   * The shortest decimal that reads back as {@code value}, as {@link #json(float)} chooses it, with
   * no trailing zeros; for text laid out without an exponent ({@link BigDecimal#toPlainString}).
   */
  public static BigDecimal shortest(float value) {
    long decimal = shortestPacked(value);
    if (decimal == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal abs = BigDecimal.valueOf((int) (decimal >>> 32), -(int) decimal);
    return value < 0 ? abs.negate() : abs;
  }

  /** {@link #shortest(float)} as plain text: no exponent, no trailing zeros. */
  public static String plain(float value) {
    return shortest(value).toPlainString();
  }

  /** {@link #shortest(double)} as plain text: no exponent, no trailing zeros. */
  public static String plain(double value) {
    return shortest(value).toPlainString();
  }

  /** {@link #shortest(float)} for a double, at double precision. */
  public static BigDecimal shortest(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return BigDecimal.ZERO;
    }
    Decimal d = shortestDouble(Math.abs(value));
    BigDecimal abs = new BigDecimal(new BigInteger(d.digits()), d.digits().length() - d.point());
    return value < 0 ? abs.negate() : abs;
  }

  /** A finite float; {@code -0} is written as {@code 0}, as ECMAScript does. */
  public static String json(float value) {
    StringBuilder sb = new StringBuilder(24);
    appendJson(sb, value);
    return sb.toString();
  }

  /**
   * Appends what {@link #json(float)} returns, without building the string first; nothing is
   * appended when it throws.
   */
  public static void appendJson(StringBuilder sb, float value) {
    long decimal = shortestPacked(value);
    if (decimal == 0) {
      sb.append('0');
      return;
    }
    if (value < 0) {
      sb.append('-');
    }
    appendDecimal(sb, (int) (decimal >>> 32), (int) decimal);
  }

  /**
   * {@link #shortestFloat} of the magnitude of a finite float, or 0 for either zero (whose digits
   * would be 0, which no other float has).
   */
  private static long shortestPacked(float value) {
    int bits = Float.floatToRawIntBits(value);
    int biasedExponent = (bits >>> 23) & 0xff;
    int fraction = bits & 0x7fffff;
    if (biasedExponent == 0xff) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    return biasedExponent == 0 && fraction == 0 ? 0 : shortestFloat(biasedExponent, fraction);
  }

  /**
   * The shortest decimal {@code d·10^e} in the rounding interval of the positive float with this
   * biased exponent and fraction field, the closest to it of that length, the one with an even
   * {@code d} on a tie; returned as {@code d << 32 | e} (with e's 32 bits). It is {@link
   * #referenceShortestFloat} without big numbers.
   *
   * <p>The float is {@code v = c·2^q}; its rounding interval R runs from {@code v - 2^q/2} (or
   * {@code v - 2^q/4} when c is a power of two and a smaller exponent exists below) to {@code v +
   * 2^q/2} and includes its ends when c is even. With k the largest exponent such that {@code 10^k}
   * is at most R's width, R holds at least one multiple of {@code 10^k} and, being narrower than
   * {@code 10^(k+1)}, at most one multiple of {@code 10^(k+1)}. So if R holds a multiple of {@code
   * 10^(k+1)}, that decimal is the only one of its length or shorter (any shorter one is such a
   * multiple too); otherwise the answer is whichever of the multiples of {@code 10^k} on either
   * side of v lies in R, the closer if both do, the even one if they are equally close; every other
   * multiple of {@code 10^k} in R is farther from v.
   */
  private static long shortestFloat(int biasedExponent, int fraction) {
    int c = biasedExponent == 0 ? fraction : fraction | 0x800000;
    // Four times the value and the interval's ends, in units of 2^q.
    int cb = c << 2;
    int cbr = cb + 2;
    int cbl;
    int k;
    long g;
    if (fraction == 0 && biasedExponent > 1) {
      cbl = cb - 1;
      k = FLOAT_K_BOUNDARY[biasedExponent];
      g = FLOAT_G_BOUNDARY[biasedExponent];
    } else {
      cbl = cb - 2;
      k = FLOAT_K[biasedExponent];
      g = FLOAT_G[biasedExponent];
    }
    // The same scaled by 10^-k and rounded to odd, which keeps order and equality with even
    // integers: x <= 4n if and only if vb <= 4n, and x < 4n if and only if vb + 1 <= 4n.
    int vb = scaled(g, cb);
    int vbl = scaled(g, cbl);
    int vbr = scaled(g, cbr);
    // Where R is open (c odd) its ends must be passed strictly.
    int open = c & 1;
    int s = vb >> 2;
    int down = s / 10 * 10;
    int up = down + 10;
    boolean downIn = vbl + open <= down << 2;
    boolean upIn = (up << 2) + open <= vbr;
    int digits;
    if (downIn != upIn) {
      digits = downIn ? down : up;
    } else {
      int t = s + 1;
      boolean sIn = vbl + open <= s << 2;
      boolean tIn = (t << 2) + open <= vbr;
      if (sIn != tIn) {
        digits = sIn ? s : t;
      } else {
        // Both: compare 4·v·10^-k with 4s + 2, the midpoint between them; exact, as it is even.
        int cmp = vb - ((s << 2) + 2);
        digits = cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t;
      }
    }
    while (digits % 10 == 0) {
      digits /= 10;
      k++;
    }
    return (long) digits << 32 | (k & 0xffffffffL);
  }

  /**
   * {@code x = cp·2^q·10^-k}, rounded to odd: {@code floor(x)}, its lowest bit set when x is not an
   * integer. {@code g = ceil(2^q·10^-k·2^59)}, so {@code cp·g/2^59} exceeds x by less than {@code
   * cp/2^59 < 2^-33} (cp < 2^26), and the product's 32 bits below the point tell an integer from
   * the rest as long as no product {@code cp·2^q·10^-k} that the algorithm forms and that is not an
   * integer comes within {@code 2^-32} of one. DecimalsFloatAgreementTest proves that for every
   * exponent with the continued fraction of {@code 2^q·10^-k} (the closest is about {@code
   * 2^-31.7}).
   */
  private static int scaled(long g, int cp) {
    long x = Math.multiplyHigh(g, (long) cp << 37); // floor(cp·g / 2^27), below 2^62
    int belowPoint = (int) x;
    return (int) (x >>> 32) | ((belowPoint | -belowPoint) >>> 31);
  }

  /** ECMAScript's {@code Number::toString} layout of {@code digits·10^exp10}, digits > 0. */
  private static void appendDecimal(StringBuilder sb, int digits, int exp10) {
    int length = digitCount(digits);
    int point = length + exp10; // the value is 0.digits × 10^point
    if (exp10 >= 0 && point <= 21) {
      sb.append(digits);
      for (int i = 0; i < exp10; i++) {
        sb.append('0');
      }
    } else if (0 < point && point <= 21) {
      int unit = INT_POW10[-exp10];
      sb.append(digits / unit).append('.');
      appendPadded(sb, digits % unit, -exp10);
    } else if (-6 < point && point <= 0) {
      sb.append('0').append('.');
      for (int i = 0; i < -point; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else {
      int unit = INT_POW10[length - 1];
      sb.append(digits / unit);
      if (length > 1) {
        sb.append('.');
        appendPadded(sb, digits % unit, length - 1);
      }
      sb.append('e').append(point - 1 < 0 ? '-' : '+').append(Math.abs(point - 1));
    }
  }

  /** {@code value > 0} in exactly {@code width} digits, with leading zeros. */
  private static void appendPadded(StringBuilder sb, int value, int width) {
    for (int i = digitCount(value); i < width; i++) {
      sb.append('0');
    }
    sb.append(value);
  }

  /** The number of decimal digits of {@code 0 < value < 10^9}. */
  private static int digitCount(int value) {
    // floor(log10(2^bits)), then at most one step up.
    int guess = (32 - Integer.numberOfLeadingZeros(value)) * 1233 >>> 12;
    return value >= INT_POW10[guess] ? guess + 1 : guess;
  }

  /**
   * The largest k with {@code 10^k <= 2^q}, or with {@code 10^k <= 3/4·2^q} for the narrower
   * interval.
   */
  static int largestPow10AtMost(int q, boolean threeQuarters) {
    int k = (int) Math.floor(q * Math.log10(2)) + 1;
    while (compareWithPow10(q, threeQuarters, k) < 0) {
      k--;
    }
    return k;
  }

  /** The sign of {@code 2^q - 10^k} or {@code 3/4·2^q - 10^k}, exactly. */
  private static int compareWithPow10(int q, boolean threeQuarters, int k) {
    BigInteger left = BigInteger.valueOf(threeQuarters ? 3 : 4).shiftLeft(Math.max(q, 0));
    BigInteger right = BigInteger.valueOf(4).shiftLeft(Math.max(-q, 0));
    BigInteger pow = BigInteger.TEN.pow(Math.abs(k));
    return k >= 0 ? left.compareTo(right.multiply(pow)) : left.multiply(pow).compareTo(right);
  }

  /** {@code ceil(2^q·10^-k·2^59)}. */
  static long scaleFactor(int q, int k) {
    BigInteger num = BigInteger.ONE.shiftLeft(Math.max(q + 59, 0));
    BigInteger den = BigInteger.ONE.shiftLeft(Math.max(-(q + 59), 0));
    if (k < 0) {
      num = num.multiply(BigInteger.TEN.pow(-k));
    } else {
      den = den.multiply(BigInteger.TEN.pow(k));
    }
    BigInteger g = num.add(den).subtract(BigInteger.ONE).divide(den);
    if (g.bitLength() > 63) {
      throw new AssertionError("scale factor of 2^" + q + "·10^" + -k + " needs 64 bits");
    }
    return g.longValueExact();
  }

  /** A finite double; {@code -0} is written as {@code 0}, as ECMAScript does. */
  public static String json(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return "0";
    }
    return layout(value < 0, shortestDouble(Math.abs(value)));
  }

  private static Decimal shortestDouble(double abs) {
    BigDecimal exact = new BigDecimal(abs);
    double up = Math.nextUp(abs);
    BigDecimal upper =
        Double.isInfinite(up) ? exact.add(new BigDecimal(Math.ulp(abs))) : new BigDecimal(up);
    boolean even = (Double.doubleToRawLongBits(abs) & 1) == 0;
    return shortest(exact, new BigDecimal(Math.nextDown(abs)), upper, even, 17);
  }

  /**
   * What {@link #json(float)} must write, worked out with exact arithmetic ({@link
   * #referenceShortestFloat}) and laid out as doubles are; the tests hold {@link #json(float)} to
   * it.
   */
  static String referenceFormatFloat(float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return "0";
    }
    return layout(value < 0, referenceShortestFloat(Math.abs(value)));
  }

  /**
   * The exact-arithmetic answer for a positive finite float: the specification of {@link
   * #shortestFloat}.
   */
  static Decimal referenceShortestFloat(float abs) {
    BigDecimal exact = new BigDecimal((double) abs);
    float up = Math.nextUp(abs);
    BigDecimal upper =
        Float.isInfinite(up)
            ? exact.add(new BigDecimal((double) Math.ulp(abs)))
            : new BigDecimal((double) up);
    boolean even = (Float.floatToRawIntBits(abs) & 1) == 0;
    return shortest(exact, new BigDecimal((double) Math.nextDown(abs)), upper, even, 9);
  }

  /**
   * The shortest decimal in the rounding interval of {@code exact}, whose neighbours are {@code
   * below} and {@code above}; the interval's ends belong to it when the value's significand is even
   * (round half to even).
   */
  private static Decimal shortest(
      BigDecimal exact, BigDecimal below, BigDecimal above, boolean even, int maxDigits) {
    BigDecimal low = exact.add(below).multiply(HALF);
    BigDecimal high = exact.add(above).multiply(HALF);
    for (int p = 1; p <= maxDigits; p++) {
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downIn = inside(down, low, high, even);
      boolean upIn = inside(up, low, high, even);
      if (downIn && upIn && down.compareTo(up) != 0) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        if (cmp == 0) {
          BigDecimal unit = up.subtract(down);
          boolean downEven = !down.divide(unit).toBigIntegerExact().testBit(0);
          return Decimal.of(downEven ? down : up);
        }
        return Decimal.of(cmp < 0 ? down : up);
      }
      if (downIn) {
        return Decimal.of(down);
      }
      if (upIn) {
        return Decimal.of(up);
      }
    }
    throw new AssertionError("no decimal of " + maxDigits + " digits reads back as " + exact);
  }

  private static boolean inside(BigDecimal x, BigDecimal low, BigDecimal high, boolean closed) {
    int lo = x.compareTo(low);
    int hi = x.compareTo(high);
    return closed ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
  }

  /** ECMAScript's {@code Number::toString} layout of {@code 0.digits × 10^point}. */
  static String layout(boolean negative, Decimal d) {
    String digits = d.digits();
    int k = digits.length();
    int n = d.point();
    StringBuilder sb = new StringBuilder(k + 8);
    if (negative) {
      sb.append('-');
    }
    if (k <= n && n <= 21) {
      sb.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(n - 1 < 0 ? '-' : '+').append(Math.abs(n - 1));
    }
    return sb.toString();
  }

  /** A positive decimal {@code 0.digits × 10^point}, digits without leading or trailing zeros. */
  record Decimal(String digits, int point) {
    static Decimal of(BigDecimal positive) {
      BigDecimal stripped = positive.stripTrailingZeros();
      String text = stripped.unscaledValue().toString();
      return new Decimal(text, text.length() - stripped.scale());
    }
  }
}
