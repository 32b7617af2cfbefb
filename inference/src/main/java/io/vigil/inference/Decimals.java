package io.vigil.inference;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal that reads back as the same float or double, computed with {@link
 * BigDecimal} so that the text does not depend on the JDK's {@code Float.toString}, which changed
 * in Java 19.
 */
public final class Decimals {

  private Decimals() {}

  /** The shortest decimal that parses back to {@code value}; {@code value} must be finite. */
  public static BigDecimal of(float value) {
    checkFinite(value);
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 9; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (Float.parseFloat(candidate.toString()) == value) {
        return normalise(candidate);
      }
    }
    return normalise(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
  }

  /** The shortest decimal that parses back to {@code value}; {@code value} must be finite. */
  public static BigDecimal of(double value) {
    checkFinite(value);
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(candidate.toString()) == value) {
        return normalise(candidate);
      }
    }
    return normalise(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  /** The plain text of {@link #of(float)}: no exponent, no trailing zeros. */
  public static String text(float value) {
    return of(value).toPlainString();
  }

  /** The plain text of {@link #of(double)}: no exponent, no trailing zeros. */
  public static String text(double value) {
    return of(value).toPlainString();
  }

  private static BigDecimal normalise(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.signum() == 0 ? BigDecimal.ZERO : stripped;
  }

  private static void checkFinite(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
  }
}
