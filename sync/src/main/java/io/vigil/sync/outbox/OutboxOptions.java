package io.vigil.sync.outbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the outbox lives and how much it may hold.
 *
 * <p>The limits count unsent rows and their payload bytes. When an append would exceed either, the
 * oldest unsent routine summaries are dropped first, then the oldest unsent routine events, and one
 * {@code outbox.dropped} marker row says how many and in which sequence range (see {@link
 * DropMarker}). Safety rows are never dropped: when only they remain, they are kept over the limits
 * and {@link OutboxStats#overLimit()} says so.
 *
 * @param database the SQLite file, such as {@code <data-dir>/outbox.db}
 * @param maxBytes the most payload bytes held; at least {@link #MIN_MAX_BYTES}
 * @param maxRows the most rows held; at least 2 (a row and the marker)
 * @param busyTimeout how long a write waits for a lock another connection holds
 */
public record OutboxOptions(Path database, long maxBytes, long maxRows, Duration busyTimeout) {

  /** The file's name in the data directory. */
  public static final String DEFAULT_FILE = "outbox.db";

  /**
   * 128 MiB: a summary of a few model versions with their drift windows is a few KiB; at 16 KiB a
   * minute the outbox rides out about 5.7 days without a broker (a long weekend with margin) before
   * it drops anything, and it stays small next to the ledger on the same disk.
   */
  public static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;

  /**
   * 50,000 rows: 34 days of one summary a minute, so that with normal payloads the byte limit binds
   * first; the row limit bounds a storm of small events, which would otherwise hold millions of
   * rows that every reconnect has to page through.
   */
  public static final long DEFAULT_MAX_ROWS = 50_000;

  /** 5 s: only this process writes; a reader such as {@code vigil doctor} holds no lock long. */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

  /** Room for the marker row beside any payload. */
  public static final long MIN_MAX_BYTES = 4096;

  public OutboxOptions {
    if (maxBytes < MIN_MAX_BYTES) {
      throw new IllegalArgumentException("max-bytes " + maxBytes + " < " + MIN_MAX_BYTES);
    }
    if (maxRows < 2) {
      throw new IllegalArgumentException("max-rows " + maxRows + " < 2");
    }
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busy-timeout " + busyTimeout + " out of range");
    }
    database = database.toAbsolutePath();
  }

  /** The defaults, with the database {@link #DEFAULT_FILE} in {@code dataDir}. */
  public static OutboxOptions defaults(Path dataDir) {
    return new OutboxOptions(
        dataDir.resolve(DEFAULT_FILE), DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, DEFAULT_BUSY_TIMEOUT);
  }

  /** These options with other limits. */
  public OutboxOptions withLimits(long maxBytes, long maxRows) {
    return new OutboxOptions(database, maxBytes, maxRows, busyTimeout);
  }
}
