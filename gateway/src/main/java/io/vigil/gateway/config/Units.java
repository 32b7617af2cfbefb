package io.vigil.gateway.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations (100us, 250ms, 10s, 5m, 1h, PT10S) and sizes (1048576, 1024KiB, 1MiB) as written in the
 * file.
 */
public final class Units {

  static final long KIB = 1024;
  static final long MIB = 1024 * KIB;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(us|ms|s|m|h)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,18})\\s*(KiB|MiB)?", Pattern.CASE_INSENSITIVE);

  private Units() {}

  /** The duration written as {@code text}; empty when it is not one. */
  public static Optional<Duration> parseDuration(String text) {
    String trimmed = text.strip();
    if (trimmed.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return Optional.of(
          switch (matcher.group(2)) {
            case "us" -> Duration.ofNanos(amount * 1000);
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          });
    }
    try {
      return Optional.of(Duration.parse(trimmed));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The duration as the file would write it: {@code 250ms}, {@code 10s}, {@code 5m}. */
  public static String formatDuration(Duration duration) {
    if (duration.isNegative() || duration.getNano() % 1000 != 0) {
      return duration.toString();
    }
    if (duration.getNano() % 1_000_000 != 0) {
      return duration.toNanos() / 1000 + "us";
    }
    long millis = duration.toMillis();
    if (millis != 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis != 0 && millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  static Optional<Long> parseSize(String text) {
    Matcher matcher = SIZE.matcher(text.strip());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase(Locale.ROOT);
    long factor = unit.equals("mib") ? MIB : unit.equals("kib") ? KIB : 1;
    try {
      return Optional.of(Math.multiplyExact(amount, factor));
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  static String formatSize(long bytes) {
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return Long.toString(bytes);
  }

  /** A size as a person reads it in a message: bytes, or KiB to TiB with one decimal. */
  public static String describeSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
