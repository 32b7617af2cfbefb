package io.vigil.gateway.systemd;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Lines for a stream that journald reads: each line starts with {@code <N>}, the record's syslog
 * priority, which journald takes off and keeps; no time stamp, the journal has its own.
 */
final class SyslogPrefixFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    String prefix = "<" + priority(record.getLevel()) + ">";
    StringBuilder line = new StringBuilder();
    String text = record.getLoggerName() + ": " + formatMessage(record);
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      text = text + "\n" + stackTrace(thrown);
    }
    for (String part : text.split("\n", -1)) {
      if (!part.isEmpty()) {
        line.append(prefix).append(part).append('\n');
      }
    }
    return line.toString();
  }

  /** The syslog priority of a level: SEVERE 3 (err), WARNING 4, INFO 6, the rest 7 (debug). */
  static int priority(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return 3;
    }
    if (v >= Level.WARNING.intValue()) {
      return 4;
    }
    if (v >= Level.INFO.intValue()) {
      return 6;
    }
    return 7;
  }

  static String stackTrace(Throwable thrown) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    return trace.toString().stripTrailing();
  }
}
