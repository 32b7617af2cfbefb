package io.vigil.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Command-line flags of the form {@code --name=value} or {@code --name}; nothing else. */
final class Flags {

  private final Map<String, String> values = new HashMap<>();

  private Flags() {}

  /** Parses {@code args}; anything not starting with {@code --} is refused. */
  static Flags parse(String... args) {
    Flags flags = new Flags();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq < 0) {
        flags.values.put(arg.substring(2), "true");
      } else {
        flags.values.put(arg.substring(2, eq), arg.substring(eq + 1));
      }
    }
    return flags;
  }

  String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** The value of {@code --name=value}, if given. */
  Optional<String> text(String name) {
    return Optional.ofNullable(values.get(name));
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  int integer(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  double number(String name, double fallback) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
  }

  boolean bool(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  /** A duration in (possibly fractional) seconds. */
  Duration seconds(String name, double fallback) {
    return Duration.ofNanos((long) (number(name, fallback) * 1e9));
  }
}
