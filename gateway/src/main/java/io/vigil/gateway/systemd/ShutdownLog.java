package io.vigil.gateway.systemd;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Log records written from a shutdown hook. JUL's own shutdown hook resets logging, removing every
 * handler at a moment no one controls, so these go straight to the handlers the root logger had
 * when this was made, which stay usable once closed (console, journal).
 */
public final class ShutdownLog {

  private final String logger;
  private final List<Handler> handlers;

  private ShutdownLog(String logger, List<Handler> handlers) {
    this.logger = logger;
    this.handlers = handlers;
  }

  /** Captures the root logger's handlers now, for records under {@code logger}'s name. */
  public static ShutdownLog capture(String logger) {
    return new ShutdownLog(logger, List.of(Logger.getLogger("").getHandlers()));
  }

  /** Publishes one record to each captured handler and flushes it. */
  public void log(Level level, String message, LogFields fields) {
    LogRecord record = new LogRecord(jul(level), message);
    record.setLoggerName(logger);
    record.setParameters(new Object[] {fields});
    for (Handler h : handlers) {
      h.publish(record);
      h.flush();
    }
  }

  private static java.util.logging.Level jul(Level level) {
    return switch (level) {
      case ALL -> java.util.logging.Level.ALL;
      case TRACE -> java.util.logging.Level.FINER;
      case DEBUG -> java.util.logging.Level.FINE;
      case INFO -> java.util.logging.Level.INFO;
      case WARNING -> java.util.logging.Level.WARNING;
      case ERROR -> java.util.logging.Level.SEVERE;
      case OFF -> java.util.logging.Level.OFF;
    };
  }
}
