package io.vigil.bench;

import java.util.Locale;

/** How numbers read in the Markdown table. */
final class Fmt {

  private Fmt() {}

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f req/s", perSecond);
  }

  /** Microseconds shown in ms above 1 ms, in µs below. */
  static String latency(double micros) {
    if (Double.isNaN(micros)) {
      return "n/a";
    }
    return micros >= 1000
        ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
        : String.format(Locale.ROOT, "%.0f µs", micros);
  }

  static String micros(double micros) {
    return String.format(Locale.ROOT, micros < 10 ? "%.2f µs" : "%.1f µs", micros);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  static String number(double x, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", x);
  }

  static String megabytes(double kb) {
    return String.format(Locale.ROOT, "%.0f MB", kb / 1024);
  }
}
