package io.vigil.gateway.simulate;

import java.util.List;
import java.util.Locale;

/**
 * A change to the simulated traffic, from {@code startSeconds} into the run: a feature scaled,
 * offset or missing in a fraction of rows, or another share of malignant rows.
 *
 * @param kind what changes
 * @param feature the feature's name; empty for {@code prevalence}
 * @param value the factor, delta, fraction of rows or share of malignant rows
 * @param startSeconds seconds from the start of the run; 0 for the whole run
 */
public record Shift(Kind kind, String feature, double value, double startSeconds) {

  /** What a shift changes. */
  public enum Kind {
    /** Multiplies the feature by {@code value}. */
    SCALE,
    /** Adds {@code value} to the feature. */
    OFFSET,
    /** Sends the feature as JSON null in a fraction {@code value} of the rows. */
    MISSING,
    /** Draws malignant rows with probability {@code value}. */
    PREVALENCE
  }

  /** How a shift is written, for messages. */
  public static final String SYNTAX =
      "scale:FEATURE=FACTOR, offset:FEATURE=DELTA, missing:FEATURE=FRACTION or prevalence:P,"
          + " each optionally followed by @SECONDS (when it starts)";

  public Shift {
    if (kind == Kind.PREVALENCE != feature.isEmpty()) {
      throw new IllegalArgumentException("a feature goes with scale, offset and missing only");
    }
    if (!Double.isFinite(value) || !Double.isFinite(startSeconds) || startSeconds < 0) {
      throw new IllegalArgumentException("value and start must be finite, start >= 0");
    }
  }

  /**
   * Reads {@code text} as written on the command line; a malformed shift or a feature not in {@code
   * featureNames} is refused with a message that names what is wrong.
   */
  public static Shift parse(String text, List<String> featureNames) {
    String spec = text.strip();
    double start = 0;
    int at = spec.lastIndexOf('@');
    if (at >= 0) {
      start = number(spec.substring(at + 1), "SECONDS after @");
      if (start < 0) {
        throw new IllegalArgumentException("SECONDS after @ must be >= 0, got " + fmt(start));
      }
      spec = spec.substring(0, at);
    }
    int colon = spec.indexOf(':');
    Kind kind = colon < 0 ? null : kind(spec.substring(0, colon));
    if (kind == null) {
      throw new IllegalArgumentException("'" + text + "' is not a shift; expected " + SYNTAX);
    }
    String args = spec.substring(colon + 1);
    if (kind == Kind.PREVALENCE) {
      double p = number(args, "P");
      requireFraction(p, "P");
      return new Shift(kind, "", p, start);
    }
    int eq = args.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' lacks '=': expected "
              + kind.name().toLowerCase(Locale.ROOT)
              + ":FEATURE="
              + argument(kind));
    }
    String feature = args.substring(0, eq).strip();
    if (!featureNames.contains(feature)) {
      throw new IllegalArgumentException(
          "no feature '" + feature + "'; the features are " + String.join(", ", featureNames));
    }
    double value = number(args.substring(eq + 1), argument(kind));
    if (kind == Kind.MISSING) {
      requireFraction(value, "FRACTION");
    }
    return new Shift(kind, feature, value, start);
  }

  boolean activeAt(double elapsedSeconds) {
    return elapsedSeconds >= startSeconds;
  }

  @Override
  public String toString() {
    String name = kind.name().toLowerCase(Locale.ROOT);
    String args = kind == Kind.PREVALENCE ? fmt(value) : feature + "=" + fmt(value);
    return name + ":" + args + (startSeconds > 0 ? "@" + fmt(startSeconds) : "");
  }

  private static Kind kind(String name) {
    for (Kind k : Kind.values()) {
      if (k.name().toLowerCase(Locale.ROOT).equals(name.strip())) {
        return k;
      }
    }
    return null;
  }

  private static String argument(Kind kind) {
    return switch (kind) {
      case SCALE -> "FACTOR";
      case OFFSET -> "DELTA";
      case MISSING -> "FRACTION";
      case PREVALENCE -> "P";
    };
  }

  private static double number(String text, String what) {
    try {
      double v = Double.parseDouble(text.strip());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(what + " must be a number, got '" + text.strip() + "'");
  }

  private static void requireFraction(double v, String what) {
    if (v < 0 || v > 1) {
      throw new IllegalArgumentException(what + " must be between 0 and 1, got " + fmt(v));
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
