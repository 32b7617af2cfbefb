package io.vigil.sync.message;

import java.util.regex.Pattern;

/**
 * The only strings a summary or an event may carry, each checked against a narrow pattern, so that
 * no free text (and with it no request value, request id or device identity) can be put in.
 */
final class Tokens {

  /** Model ids, versions and feature names, as the manufacturer's signed manifest names them. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Reason codes and checks: dotted lower-case words without digits ({@code drift.psi}). */
  private static final Pattern CODE = Pattern.compile("[a-z_]{1,32}(\\.[a-z_]{1,32}){0,3}");

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** The software version: semantic version with an optional lower-case suffix. */
  private static final Pattern VERSION =
      Pattern.compile("[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}(-[a-z][a-z0-9.]{0,23})?");

  private static final Pattern SUBGROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._<>=+-]{0,63}");

  private Tokens() {}

  static String subgroup(String field, String value) {
    return check(
        SUBGROUP, field, value, "a subgroup name of [A-Za-z0-9 ._<>=+-], at most 64 characters");
  }

  static String name(String field, String value) {
    return check(NAME, field, value, "a name of [A-Za-z0-9._-], at most 64 characters");
  }

  static String code(String field, String value) {
    return check(CODE, field, value, "a dotted lower-case code without digits (drift.psi)");
  }

  static String sha256(String field, String value) {
    return check(SHA256, field, value, "64 lower-case hex digits");
  }

  static String version(String field, String value) {
    return check(VERSION, field, value, "a version such as 1.2.3 or 1.2.3-snapshot");
  }

  static double finite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be finite, not " + value);
    }
    return value;
  }

  static long count(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " < 0");
    }
    return value;
  }

  private static String check(Pattern p, String field, String value, String expected) {
    if (!p.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " '" + value + "' is not " + expected);
    }
    return value;
  }
}
