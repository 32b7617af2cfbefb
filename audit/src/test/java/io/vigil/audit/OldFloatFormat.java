package io.vigil.audit;

/**
 * The float fast path that {@link JsonNumbers} used before its Schubfach-style algorithm: {@link
 * Float#toString} as a first guess, shortened and moved to the closest candidate by reading
 * candidates back ({@link Float#parseFloat}), exact {@link java.math.BigDecimal} arithmetic where
 * that cannot decide. Not used by the ledger; kept only as the baseline of {@link FloatFormatBench}
 * and as a second, independent reference for {@link FloatFormatSweep}.
 */
final class OldFloatFormat {

  /** The powers of ten that a double holds exactly. */
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  private OldFloatFormat() {}

  /** What {@code JsonNumbers.formatFloat} wrote before. */
  static String formatFloat(float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return "0";
    }
    float abs = Math.abs(value);
    JsonNumbers.Decimal d = fastShortestFloat(abs);
    return JsonNumbers.layout(value < 0, d != null ? d : JsonNumbers.referenceShortestFloat(abs));
  }

  static JsonNumbers.Decimal fastShortestFloat(float abs) {
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
    return new JsonNumbers.Decimal(text, text.length() + exp10);
  }

  private static int compareWithMidpoint(double exact, long digits, int exp10, int side) {
    double midpoint = nearestDouble((2 * digits + side) * 5, exp10 - 1);
    return exact > midpoint ? 1 : exact < midpoint ? -1 : 0;
  }

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

  private static double nearestDouble(long digits, int exp10) {
    if (exp10 >= 0 && exp10 <= 22) {
      return digits * POW10[exp10];
    }
    if (exp10 < 0 && exp10 >= -22) {
      return digits / POW10[-exp10];
    }
    return Double.parseDouble(digits + "E" + exp10);
  }
}
