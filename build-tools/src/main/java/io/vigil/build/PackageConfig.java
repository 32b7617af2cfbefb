package io.vigil.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the configuration file that the package installs as {@code /etc/vigil/vigil.yaml}: the
 * gateway's commented example, with the few values that differ on an installed system set in place,
 * so that the installed file keeps every comment of the example and cannot drift from it.
 *
 * <p>Usage: {@code PackageConfig EXAMPLE OUT key=value...}, where a key is a dotted path such as
 * {@code trust.roots}; each key must appear exactly once in the example, or the build fails.
 */
public final class PackageConfig {

  private PackageConfig() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: PackageConfig EXAMPLE OUT key=value...");
    }
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + args[i] + "'");
      }
      lines = set(lines, args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, lines, StandardCharsets.UTF_8);
  }

  /**
   * Returns {@code lines} with the value of the YAML key at {@code dottedKey} replaced; the key is
   * found by its indentation under its sections, and must be there exactly once.
   */
  static List<String> set(List<String> lines, String dottedKey, String value) {
    String[] path = dottedKey.split("\\.");
    List<String> out = new ArrayList<>(lines);
    int depth = 0;
    int found = -1;
    for (int i = 0; i < out.size(); i++) {
      String line = out.get(i);
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      int indent = line.length() - line.stripLeading().length();
      // A key at a shallower indent closes the sections opened below it.
      depth = Math.min(depth, indent / 2);
      if (indent != depth * 2) {
        continue;
      }
      String prefix = path[depth] + ":";
      if (!line.stripLeading().startsWith(prefix)) {
        continue;
      }
      if (depth == path.length - 1) {
        if (found >= 0) {
          throw new IllegalStateException(dottedKey + " appears twice in the example");
        }
        found = i;
        out.set(i, " ".repeat(indent) + prefix + " " + value);
      } else {
        depth++;
      }
    }
    if (found < 0) {
      throw new IllegalStateException(
          dottedKey + " is not in the example configuration: the package cannot set it");
    }
    return out;
  }
}
