package io.vigil.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads memory figures of a Linux process from {@code /proc/<pid>/status}. */
final class ProcStatus {

  private ProcStatus() {}

  /** The resident set size and its peak, in kB, of the process {@code pid}. */
  static long[] rssAndPeakKb(long pid) {
    try {
      String text = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      return new long[] {field(text, "VmRSS").orElse(-1), field(text, "VmHWM").orElse(-1)};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/status", e);
    }
  }

  /** The value in kB of a {@code Name: 123 kB} line, if the text has one. */
  static OptionalLong field(String statusText, String name) {
    for (String line : statusText.split("\n")) {
      if (line.startsWith(name + ":")) {
        String value = line.substring(name.length() + 1).trim();
        int space = value.indexOf(' ');
        return OptionalLong.of(Long.parseLong(space < 0 ? value : value.substring(0, space)));
      }
    }
    return OptionalLong.empty();
  }
}
