package io.vigil.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the results were measured on, read from the JVM and {@code /proc}. */
final class Machine {

  private Machine() {}

  static JsonObject describe(String command) {
    return new JsonObject()
        .put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .put("command", command)
        .put("cpu", procField("/proc/cpuinfo", "model name").orElse("unknown CPU"))
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put(
            "memory",
            procField("/proc/meminfo", "MemTotal")
                .map(v -> String.format(Locale.ROOT, "%.0f GiB RAM", kb(v) / 1024.0 / 1024.0))
                .orElse("? RAM"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.vm.version"))
        .put("load_before", loadAverage());
  }

  /** The 1, 5 and 15 minute load averages: how busy the shared box was. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static java.util.Optional<String> procField(String file, String name) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(name)) {
          return java.util.Optional.of(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException e) {
      // Not Linux: the caller says "unknown".
    }
    return java.util.Optional.empty();
  }

  private static long kb(String value) {
    return Long.parseLong(value.replaceAll("[^0-9]", ""));
  }
}
