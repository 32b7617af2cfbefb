package io.vigil.gateway.config;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One key of the configuration file: its dotted path, what it expects, how its text is read and
 * which values are allowed; the records check their components with it and the loader reads with
 * it, so the two cannot disagree.
 */
final class Setting<T> {

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,30}");

  private final String key;
  private final String expected;
  private final Function<String, Optional<T>> parser;
  private final Predicate<T> allowed;
  private final Function<T, String> display;

  private Setting(
      String key,
      String expected,
      Function<String, Optional<T>> parser,
      Predicate<T> allowed,
      Function<T, String> display) {
    this.key = key;
    this.expected = expected;
    this.parser = parser;
    this.allowed = allowed;
    this.display = display;
  }

  static Setting<Integer> integer(String key, int min, int max) {
    return new Setting<>(
        key,
        "an integer from " + min + " to " + max,
        Setting::parseInt,
        value -> value >= min && value <= max,
        String::valueOf);
  }

  /** An integer that may also be written {@code auto}, standing for a value the machine decides. */
  /** A power of two from {@code min} to {@code max}. */
  static Setting<Integer> powerOfTwo(String key, int min, int max) {
    Setting<Integer> range = integer(key, min, max);
    return new Setting<>(
        key,
        "a power of two from " + min + " to " + max,
        range.parser,
        value -> value >= min && value <= max && Integer.bitCount(value) == 1,
        String::valueOf);
  }

  static Setting<Integer> integerOrAuto(String key, int min, int max, int auto) {
    return new Setting<>(
        key,
        "an integer from " + min + " to " + max + ", or auto",
        text -> text.strip().equals("auto") ? Optional.of(auto) : parseInt(text),
        value -> value >= min && value <= max,
        String::valueOf);
  }

  static Setting<Long> size(String key, long minBytes, long maxBytes) {
    return new Setting<>(
        key,
        "a size from "
            + Units.formatSize(minBytes)
            + " to "
            + Units.formatSize(maxBytes)
            + ", in bytes or with KiB or MiB (e.g. 1048576 or 1MiB)",
        Units::parseSize,
        value -> value >= minBytes && value <= maxBytes,
        Units::formatSize);
  }

  /**
   * A size from {@code minBytes} to {@code maxBytes} ({@code maxName} says what that bound is), or
   * {@code auto}, standing for {@code autoBytes}.
   */
  static Setting<Long> sizeOrAuto(
      String key, long minBytes, long maxBytes, String maxName, long autoBytes) {
    return new Setting<>(
        key,
        "a size from "
            + Units.formatSize(minBytes)
            + " to "
            + Units.formatSize(maxBytes)
            + " ("
            + maxName
            + "), in bytes or with KiB or MiB, or auto",
        text -> text.strip().equals("auto") ? Optional.of(autoBytes) : Units.parseSize(text),
        value -> value >= minBytes && value <= maxBytes,
        Units::formatSize);
  }

  static Setting<Duration> duration(String key, Duration min, Duration max) {
    return new Setting<>(
        key,
        "a duration from "
            + Units.formatDuration(min)
            + " to "
            + Units.formatDuration(max)
            + ", written like 250ms, 10s, 5m or PT10S",
        Units::parseDuration,
        value -> value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
        Units::formatDuration);
  }

  static Setting<Boolean> bool(String key) {
    return new Setting<>(
        key,
        "true or false",
        text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
              case "true" -> Optional.of(true);
              case "false" -> Optional.of(false);
              default -> Optional.empty();
            },
        value -> true,
        String::valueOf);
  }

  /** One of an enum's constants, written in lower case with dashes. */
  static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type) {
    E[] constants = type.getEnumConstants();
    List<String> names = Arrays.stream(constants).map(Setting::spelling).toList();
    String last = names.get(names.size() - 1);
    String expected =
        names.size() == 1
            ? last
            : String.join(", ", names.subList(0, names.size() - 1)) + " or " + last;
    return new Setting<>(
        key,
        expected,
        text ->
            Arrays.stream(constants)
                .filter(constant -> spelling(constant).equals(text.strip()))
                .findFirst(),
        value -> true,
        Setting::spelling);
  }

  static Setting<String> text(String key, String expected, Predicate<String> allowed) {
    return new Setting<>(key, expected, Optional::of, allowed, Function.identity());
  }

  static Setting<Path> path(String key) {
    return new Setting<>(
        key,
        "a file system path",
        Setting::parsePath,
        path -> !path.toString().isEmpty(),
        Path::toString);
  }

  /** A path that may be left empty, standing for none. */
  static Setting<Path> pathOrNone(String key) {
    return new Setting<>(
        key,
        "a file system path, or \"\" for none",
        Setting::parsePath,
        path -> true,
        Path::toString);
  }

  String key() {
    return key;
  }

  /** Reads a value as the YAML parser produced it, reporting it as written when it does not fit. */
  T read(Object raw) {
    return scalarText(raw)
        .flatMap(parser)
        .filter(allowed)
        .orElseThrow(() -> ConfigErrors.invalid(key, expected, raw));
  }

  /** Checks a value built in code, for the records' compact constructors. */
  T check(T value) {
    Objects.requireNonNull(value, key);
    if (!allowed.test(value)) {
      throw ConfigErrors.invalid(key, expected, display.apply(value));
    }
    return value;
  }

  private static Optional<String> scalarText(Object raw) {
    return raw instanceof String || raw instanceof Number || raw instanceof Boolean
        ? Optional.of(raw.toString())
        : Optional.empty();
  }

  private static Optional<Integer> parseInt(String text) {
    String trimmed = text.strip();
    if (!INTEGER.matcher(trimmed).matches()) {
      return Optional.empty();
    }
    BigInteger value = new BigInteger(trimmed);
    return value.bitLength() < Integer.SIZE ? Optional.of(value.intValue()) : Optional.empty();
  }

  private static Optional<Path> parsePath(String text) {
    try {
      return Optional.of(Path.of(text));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static String spelling(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
