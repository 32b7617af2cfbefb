package io.vigil.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The ledger's settings; build with {@link #of} and change with the {@code with} methods.
 *
 * @param database the SQLite file, for example {@code vigil-data/audit.db}
 * @param origin the log's name on the first line of every checkpoint, a schema-less URL such as
 *     {@code vigil.example.org/site-1/gateway-2}; fixed when the database is created
 * @param durability how hard a commit presses entries onto the disk
 * @param maxBatchEntries the most entries committed in one transaction
 * @param busyTimeout how long a transaction waits for a lock held by another connection
 * @param checkpointEveryEntries a checkpoint is signed once the tree grew by this many entries
 * @param checkpointInterval a checkpoint is signed this long after the last one if the tree grew
 * @param segmentLevel archive segments hold 2^segmentLevel entries; fixed when the database is
 *     created
 * @param segmentDirectory where archive segments are written
 * @param queueCapacity the entries that may wait for the writer; one more is refused as {@code
 *     OVERLOADED}
 */
public record LedgerOptions(
    Path database,
    String origin,
    Durability durability,
    int maxBatchEntries,
    Duration busyTimeout,
    int checkpointEveryEntries,
    Duration checkpointInterval,
    int segmentLevel,
    Path segmentDirectory,
    int queueCapacity) {

  /** 1024 entries per transaction at most. */
  public static final int DEFAULT_MAX_BATCH_ENTRIES = 1024;

  /** Five seconds. */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

  /** A checkpoint every 1000 entries. */
  public static final int DEFAULT_CHECKPOINT_EVERY_ENTRIES = 1000;

  /** A checkpoint at least every ten seconds while entries arrive. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

  /** Segments of 2^16 = 65,536 entries. */
  public static final int DEFAULT_SEGMENT_LEVEL = 16;

  /** 65,536 waiting entries. */
  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

  public LedgerOptions {
    Objects.requireNonNull(database, "database");
    VerifierKey.checkName(Objects.requireNonNull(origin, "origin"));
    Objects.requireNonNull(durability, "durability");
    if (maxBatchEntries < 1) {
      throw new IllegalArgumentException("maxBatchEntries < 1");
    }
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
    }
    if (checkpointEveryEntries < 1) {
      throw new IllegalArgumentException("checkpointEveryEntries < 1");
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval <= 0");
    }
    if (segmentLevel < 1 || segmentLevel > 30) {
      throw new IllegalArgumentException("segmentLevel must be 1..30: " + segmentLevel);
    }
    Objects.requireNonNull(segmentDirectory, "segmentDirectory");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity < 1");
    }
  }

  /** The defaults for this database and origin; segments go to {@code <database>.segments/}. */
  public static LedgerOptions of(Path database, String origin) {
    return new LedgerOptions(
        database,
        origin,
        Durability.FULL,
        DEFAULT_MAX_BATCH_ENTRIES,
        DEFAULT_BUSY_TIMEOUT,
        DEFAULT_CHECKPOINT_EVERY_ENTRIES,
        DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_SEGMENT_LEVEL,
        defaultSegmentDirectory(database),
        DEFAULT_QUEUE_CAPACITY);
  }

  /** Where segments of this database go unless configured: {@code <database>.segments/}. */
  public static Path defaultSegmentDirectory(Path database) {
    return database.resolveSibling(database.getFileName() + ".segments");
  }

  /** These options with another durability. */
  public LedgerOptions withDurability(Durability value) {
    return new LedgerOptions(
        database,
        origin,
        value,
        maxBatchEntries,
        busyTimeout,
        checkpointEveryEntries,
        checkpointInterval,
        segmentLevel,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another limit on entries per transaction. */
  public LedgerOptions withMaxBatchEntries(int value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        value,
        busyTimeout,
        checkpointEveryEntries,
        checkpointInterval,
        segmentLevel,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another busy timeout. */
  public LedgerOptions withBusyTimeout(Duration value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        value,
        checkpointEveryEntries,
        checkpointInterval,
        segmentLevel,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another number of entries between checkpoints. */
  public LedgerOptions withCheckpointEveryEntries(int value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        busyTimeout,
        value,
        checkpointInterval,
        segmentLevel,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another time between checkpoints. */
  public LedgerOptions withCheckpointInterval(Duration value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        busyTimeout,
        checkpointEveryEntries,
        value,
        segmentLevel,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another segment size, for a new database. */
  public LedgerOptions withSegmentLevel(int value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        busyTimeout,
        checkpointEveryEntries,
        checkpointInterval,
        value,
        segmentDirectory,
        queueCapacity);
  }

  /** These options with another directory for segments. */
  public LedgerOptions withSegmentDirectory(Path value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        busyTimeout,
        checkpointEveryEntries,
        checkpointInterval,
        segmentLevel,
        value,
        queueCapacity);
  }

  /** These options with another number of entries that may wait. */
  public LedgerOptions withQueueCapacity(int value) {
    return new LedgerOptions(
        database,
        origin,
        durability,
        maxBatchEntries,
        busyTimeout,
        checkpointEveryEntries,
        checkpointInterval,
        segmentLevel,
        segmentDirectory,
        value);
  }
}
