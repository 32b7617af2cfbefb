package io.vigil.gateway.systemd;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends each log record to the journal in its native protocol, with its priority, its logger, its
 * exception and its {@link LogFields} as fields; a record the journal does not take is written to
 * stderr with its {@code <N>} priority prefix, never dropped.
 */
public final class JournalHandler extends Handler {

  /** Set by systemd when it connected stdout and stderr to the journal. */
  public static final String JOURNAL_STREAM = "JOURNAL_STREAM";

  /** journald's socket for the native protocol. */
  public static final String SOCKET = "/run/systemd/journal/socket";

  /** The system property that points at another socket: for tests, which bind their own. */
  static final String SOCKET_PROPERTY = "vigil.journal.socket";

  /** Every record's {@code SYSLOG_IDENTIFIER}, what {@code journalctl -t} selects. */
  static final String IDENTIFIER = "vigil";

  /** Records sent and not yet taken, beyond which records go to stderr rather than wait. */
  static final int MAX_PENDING = 1024;

  private final String socket;
  private final Datagrams datagrams;
  private final PrintStream fallback;
  private final SyslogPrefixFormatter lines = new SyslogPrefixFormatter();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean failedBefore = new AtomicBoolean();
  private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

  private JournalHandler(String socket, Datagrams datagrams, PrintStream fallback) {
    this.socket = socket;
    this.datagrams = datagrams;
    this.fallback = fallback;
  }

  /**
   * Routes this JVM's logging to systemd when it runs under it: to the journal when systemd
   * connected stderr to it ({@code JOURNAL_STREAM}) and its socket exists, else as {@code <N>}
   * prefixed lines on stderr; outside systemd the console stays as it is.
   *
   * @return whether records go to the journal's socket
   */
  public static boolean install() {
    Logger root = Logger.getLogger("");
    if (System.getenv(JOURNAL_STREAM) != null) {
      // Netty logs while the journal's socket opens (its channel ids read the network
      // interfaces): those records reach stderr before the journal handler, with their priority.
      for (Handler h : root.getHandlers()) {
        if (h instanceof ConsoleHandler) {
          h.setFormatter(new SyslogPrefixFormatter());
        }
      }
    }
    Optional<Handler> handler =
        forEnvironment(
            System.getenv(), Path.of(System.getProperty(SOCKET_PROPERTY, SOCKET)), System.err);
    if (handler.isEmpty()) {
      return false;
    }
    for (Handler h : root.getHandlers()) {
      if (h instanceof ConsoleHandler) {
        root.removeHandler(h);
      }
    }
    root.addHandler(handler.get());
    return handler.get() instanceof JournalHandler;
  }

  /** The handler for {@code env}: none outside systemd. */
  static Optional<Handler> forEnvironment(Map<String, String> env, Path socket, PrintStream err) {
    if (env.get(JOURNAL_STREAM) == null) {
      return Optional.empty();
    }
    Optional<Datagrams> datagrams = Files.exists(socket) ? Datagrams.shared() : Optional.empty();
    if (datagrams.isPresent()) {
      return Optional.of(new JournalHandler(socket.toString(), datagrams.get(), err));
    }
    StreamHandler lines =
        new StreamHandler(err, new SyslogPrefixFormatter()) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            // journald reads the stream as it comes: a record held in a buffer is a record late.
            flush();
          }

          @Override
          public synchronized void close() {
            // As ConsoleHandler does: JUL's shutdown hook closes handlers, never stderr itself.
            flush();
          }
        };
    return Optional.of(lines);
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    byte[] datagram = JournalRecord.encode(fields(record));
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      writeToStderr(record, "more than " + MAX_PENDING + " records wait for the journal");
      return;
    }
    CompletableFuture<Void> sent = datagrams.send(socket, datagram);
    last = sent;
    sent.whenComplete(
        (ok, failure) -> {
          pending.decrementAndGet();
          if (failure != null) {
            writeToStderr(record, failure.getMessage());
          }
        });
  }

  /** The journal fields of one record. */
  Map<String, String> fields(LogRecord record) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("MESSAGE", Objects.toString(lines.formatMessage(record), ""));
    fields.put("PRIORITY", Integer.toString(SyslogPrefixFormatter.priority(record.getLevel())));
    fields.put("SYSLOG_IDENTIFIER", IDENTIFIER);
    if (record.getLoggerName() != null) {
      fields.put("VIGIL_LOGGER", record.getLoggerName());
    }
    if (record.getThrown() != null) {
      fields.put("VIGIL_EXCEPTION", SyslogPrefixFormatter.stackTrace(record.getThrown()));
    }
    LogFields.of(record).forEach(fields::putIfAbsent);
    return fields;
  }

  private void writeToStderr(LogRecord record, String why) {
    if (failedBefore.compareAndSet(false, true)) {
      fallback.print(
          "<4>"
              + getClass().getName()
              + ": the journal did not take a record ("
              + why
              + "); such records are written here\n");
    }
    fallback.print(lines.format(record));
    fallback.flush();
  }

  /** Waits, up to a second, until the records published so far have left. */
  @Override
  public void flush() {
    try {
      last.exceptionally(e -> null).get(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // What did not leave in time is written to stderr by its own send when that fails.
    }
  }

  /**
   * Flushes and stays usable: JUL's own shutdown hook closes the handlers while the gateway's
   * shutdown hook still logs its last records.
   */
  @Override
  public void close() {
    flush();
  }
}
