package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects every log record of this JVM (the gateway's {@code System.Logger} and Vert.x both log
 * through java.util.logging) while a test runs, to check how faults are logged.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private static final SimpleFormatter FORMATTER = new SimpleFormatter();

  // Held here so that the root logger, and the handler on it, cannot be collected mid-test.
  private final Logger root = Logger.getLogger("");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture() {
    setLevel(Level.ALL);
  }

  /** Starts collecting; {@link #close()} stops. */
  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.root.addHandler(capture);
    return capture;
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
  }

  /** Every message so far, formatted as a log line shows it. */
  public List<String> messages() {
    return records.stream().map(FORMATTER::formatMessage).toList();
  }

  /**
   * Asserts that every message so far has its parameters filled in and that none carries a stack
   * trace: for tests whose faults are all expected ones.
   */
  public void assertFormattedWithoutStackTraces() {
    List<String> unformatted =
        messages().stream().filter(m -> m.matches("(?s).*\\{\\d+}.*")).toList();
    assertEquals(List.of(), unformatted, "log messages with a parameter left unfilled");
    List<String> withStackTraces =
        records.stream()
            .filter(r -> r.getThrown() != null)
            .map(r -> FORMATTER.formatMessage(r) + " <- " + r.getThrown())
            .toList();
    assertEquals(List.of(), withStackTraces, "log records with a stack trace for expected faults");
  }
}
