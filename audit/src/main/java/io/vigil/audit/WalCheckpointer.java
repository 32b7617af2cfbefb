package io.vigil.audit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies the write-ahead log into the database file on its own thread and connection, so that the
 * writer never does it inside a commit.
 *
 * <p>Left to SQLite, the connection whose commit takes the WAL past 1000 pages copies them back and
 * syncs the database file before its commit returns: at a few thousand commits a second, the writer
 * stalled for 5 to 10 ms twice a second, and every answer waiting on it with it. A PASSIVE
 * checkpoint waits for no reader and no writer: the writer keeps committing while it runs, and once
 * a checkpoint has copied every frame, the writer's next transaction starts the WAL over. The
 * writer's own automatic checkpoint stays as a backstop at {@link #WRITER_BACKSTOP_PAGES}, should
 * this thread fall behind or fail.
 *
 * <p>Under writes that never pause the WAL does not start over: the writer appends while this
 * thread copies, so no checkpoint ever finds every frame copied, and the writer's backstop copies
 * the rest inside a commit each time the WAL reaches 64 MiB (at 6,000 entries a second alone on one
 * CPU, a commit of 10 to 20 ms every 1.1 to 1.7 s; each run of this thread also slows the commits
 * made meanwhile, to 2 to 5 ms). This thread still does most of the copying: without it each
 * backstop copies the whole WAL, and the ledger's p99 alone at 4,000 entries a second was 15 to 21
 * ms against 3 to 4 (BENCHMARKS.md, issue 19, "what durability normal does to the floor").
 */
final class WalCheckpointer implements AutoCloseable {

  /** The writer's automatic checkpoint, only reached if this thread falls far behind: 64 MiB. */
  static final int WRITER_BACKSTOP_PAGES = 16_384;

  private static final Logger LOG = System.getLogger(WalCheckpointer.class.getName());

  private final LedgerOptions options;
  private final Duration interval;
  private final Thread thread;
  private final AtomicLong checkpoints = new AtomicLong();
  private Connection connection;
  private String lastFailure;

  WalCheckpointer(LedgerOptions options, Duration interval) throws SQLException {
    this.options = options;
    this.connection = Sqlite.openWriter(options);
    this.interval = interval;
    this.thread = new Thread(this::run, "vigil-ledger-checkpointer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** How many checkpoints have run. */
  long checkpoints() {
    return checkpoints.get();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval.toMillis());
        if (connection == null) {
          connection = Sqlite.openWriter(options);
        }
        try (Statement s = connection.createStatement()) {
          s.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        checkpoints.incrementAndGet();
        if (lastFailure != null) {
          LOG.log(Level.INFO, "the ledger's WAL is copied into " + options.database() + " again");
          lastFailure = null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException e) {
        // The entries are safe in the WAL; the writer's backstop checkpoint bounds its growth. The
        // connection may be in doubt after an I/O error: the next try opens a new one.
        closeConnection();
        String message = SqliteErrors.message(e);
        if (!message.equals(lastFailure)) {
          LOG.log(
              Level.WARNING,
              "could not copy the ledger's WAL into " + options.database() + ": " + message);
        }
        lastFailure = message;
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The thread has ended: nothing else uses the connection; the writer's checkpoints at close.
    closeConnection();
  }
}
