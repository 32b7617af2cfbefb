package io.vigil.audit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers in canonical JSON, written the same way on every JDK.
 *
 * <p>A finite value is written as the shortest decimal that reads back as the same binary value,
 * the closest such decimal to the exact binary value when several have that length, the one with an
 * even last digit on a tie; and in the layout of ECMAScript's {@code Number::toString} (the layout
 * RFC 8785 uses). Floats use float precision ({@code 0.1f} is {@code 0.1}), doubles double
 * precision. {@link Float#toString} is not used for the result: its digits changed in JDK 19. It is
 * only a first guess, which is then shortened and moved to the closest candidate by exact
 * comparisons (one IEEE multiplication or division that rounds once, or {@link Float#parseFloat},
 * whose rounding the Java SE specification fixes); the rare values these cannot decide go to exact
 * {@link BigDecimal} arithmetic, the reference that the tests hold the fast path to.
 */
final class JsonNumbers {

  private static final BigDecimal HALF = new BigDecimal("0.5");

  /** The powers of ten that a double holds exactly. */
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  private JsonNumbers() {}

  /** A finite float; {@code -0} is written as {@code 0}, as ECMAScript does. */
  static String formatFloat(float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return "0";
    }
    float abs = Math.abs(value);
    Decimal d = fastShortestFloat(abs);
    return layout(value < 0, d != null ? d : referenceShortestFloat(abs));
  }

  /** A finite double; {@code -0} is written as {@code 0}, as ECMAScript does. */
  static String formatDouble(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return "0";
    }
    double abs = Math.abs(value);
    BigDecimal exact = new BigDecimal(abs);
    double up = Math.nextUp(abs);
    BigDecimal upper =
        Double.isInfinite(up) ? exact.add(new BigDecimal(Math.ulp(abs))) : new BigDecimal(up);
    boolean even = (Double.doubleToRawLongBits(abs) & 1) == 0;
    Decimal d = shortest(exact, new BigDecimal(Math.nextDown(abs)), upper, even, 17);
    return layout(value < 0, d);
  }

  /**
   * The exact-arithmetic answer for a positive finite float; the tests hold the fast path to it.
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

  /**
   * The answer for a positive finite float without big-number arithmetic, or null where the
   * interval holds more than one candidate and exact arithmetic must choose.
   */
  static Decimal fastShortestFloat(float abs) {
    // The ends of the value's rounding interval; a float's midpoints are exact doubles.
    double exact = abs;
    double low = (exact + Math.nextDown(abs)) / 2;
    float up = Math.nextUp(abs);
    double high = Float.isInfinite(up) ? exact + Math.ulp(abs) / 2.0 : (exact + up) / 2;
    String s = Float.toString(abs);
    int e = s.indexOf('E');
    String mantissa = e < 0 ? s : s.substring(0, e);
    int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
    int dot = mantissa.indexOf('.');
    long digits = Long.parseLong(mantissa.substring(0, dot) + mantissa.substring(dot + 1));
    exp10 -= mantissa.length() - dot - 1;
    while (digits % 10 == 0) {
      digits /= 10;
      exp10++;
    }
    // Any shorter decimal that reads back as the value lies beyond the current candidate's floor
    // or ceiling at one digit less, so checking those two finds it.
    while (digits >= 10) {
      long floor = digits / 10;
      boolean floorIn = readsBack(floor, exp10 + 1, abs, low, high);
      boolean ceilingIn = readsBack(floor + 1, exp10 + 1, abs, low, high);
      if (floorIn && ceilingIn) {
        return null;
      }
      if (!floorIn && !ceilingIn) {
        break;
      }
      digits = floorIn ? floor : floor + 1;
      exp10++;
      while (digits % 10 == 0) {
        digits /= 10;
        exp10++;
      }
    }
    // Of the decimals of this length that read back, take the closest to the exact value: move
    // while a neighbour is closer, deciding by comparing with the midpoint between the two.
    while (true) {
      int above = compareWithMidpoint(exact, digits, exp10, 1);
      if (above == 0) {
        return null;
      }
      if (above > 0) {
        digits++;
        if (digits % 10 == 0) {
          return null;
        }
        continue;
      }
      int below = compareWithMidpoint(exact, digits, exp10, -1);
      if (below == 0) {
        return null;
      }
      if (below < 0 && readsBack(digits - 1, exp10, abs, low, high)) {
        digits--;
        continue;
      }
      break;
    }
    String text = Long.toString(digits);
    return new Decimal(text, text.length() + exp10);
  }

  /**
   * The sign of {@code exact - (digits ± 1/2)·10^exp10}, or 0 where double precision cannot tell.
   */
  private static int compareWithMidpoint(double exact, long digits, int exp10, int side) {
    double midpoint = nearestDouble((2 * digits + side) * 5, exp10 - 1);
    return exact > midpoint ? 1 : exact < midpoint ? -1 : 0;
  }

  /**
   * Whether {@code digits·10^exp10} lies in the open interval (low, high), or else reads back as
   * the value.
   */
  private static boolean readsBack(long digits, int exp10, float value, double low, double high) {
    if (digits <= 0) {
      return false;
    }
    double v = nearestDouble(digits, exp10);
    if (v > low && v < high) {
      return true;
    }
    if (v < low || v > high) {
      return false;
    }
    return Float.parseFloat(digits + "E" + exp10) == value;
  }

  /**
   * The double nearest to {@code digits·10^exp10}. Rounding is monotone, so a result above (below)
   * a double means the decimal is above (below) it; only equality leaves the order open. With
   * digits below 2^53 and |exp10| <= 22 one IEEE multiplication or division rounds once (Clinger's
   * fast path); otherwise the parser does it.
   */
  private static double nearestDouble(long digits, int exp10) {
    if (exp10 >= 0 && exp10 <= 22) {
      return digits * POW10[exp10];
    }
    if (exp10 < 0 && exp10 >= -22) {
      return digits / POW10[-exp10];
    }
    return Double.parseDouble(digits + "E" + exp10);
  }

  /** ECMAScript's {@code Number::toString} layout of {@code 0.digits × 10^point}. */
  private static String layout(boolean negative, Decimal d) {
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
