package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * The prediction and event ledger: an insert-only SQLite file whose entries are the leaves of an
 * RFC 9162 Merkle tree, with signed checkpoints.
 *
 * <p>One writer thread commits entries in groups: an {@link #append} completes only after the
 * transaction that holds its entry committed. Sequence numbers start at 0, are gap-free and are the
 * entries' leaf indexes. Futures complete on the writer thread: callbacks that take more than a
 * moment should hand over to another executor (the gateway's Vert.x context).
 *
 * <p>A checkpoint is signed whenever the tree grew by {@code checkpointEveryEntries} or {@code
 * checkpointInterval} passed since the last one and the tree grew, and on {@link #close}. The
 * interval is measured with {@link System#nanoTime}, so that a step of the wall clock neither
 * hastens nor delays a checkpoint; the clock given to {@link #open} stamps entries and checkpoints,
 * and a step of it is recorded as a {@code clock.stepped} event before the entries after it.
 *
 * <p>After a failed transaction the ledger is not {@link #healthy} until its writer has recovered
 * by itself (see the package documentation); appends fail with the fault meanwhile.
 */
public final class Ledger implements AutoCloseable {

  /** How often the WAL is copied into the database file, off the writer's thread. */
  static final Duration WAL_CHECKPOINT_INTERVAL = Duration.ofMillis(200);

  private final LedgerOptions options;
  private final NoteSigner signer;
  private final Clock clock;
  private final WriterLock lock;
  private final LedgerWriter writer;
  private final Thread thread;
  private final WalCheckpointer walCheckpointer;
  private final ReadWriteLock closing = new ReentrantReadWriteLock();
  private boolean closed;

  private Ledger(
      LedgerOptions options,
      NoteSigner signer,
      Clock clock,
      LongSupplier nanoTime,
      WriterHooks hooks,
      CommitListener listener) {
    this.options = options;
    this.signer = signer;
    this.clock = clock;
    this.lock = WriterLock.acquire(options.database());
    try {
      this.writer = new LedgerWriter(options, signer, clock, nanoTime, hooks, listener);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    try {
      this.walCheckpointer = new WalCheckpointer(options, WAL_CHECKPOINT_INTERVAL);
    } catch (SQLException e) {
      writer.closeConnection();
      lock.close();
      throw SqliteErrors.write(
          "could not open the ledger " + options.database(), options.database(), e);
    }
    this.thread = new Thread(writer, "vigil-ledger-writer");
    thread.setDaemon(true);
    thread.start();
    walCheckpointer.start();
  }

  /**
   * Opens (or creates) the ledger and starts its writer; the tree, sequence numbers and latest
   * checkpoint continue from what the database holds, once its files and its newest entries were
   * checked.
   *
   * @throws AuditException {@code DAMAGED} if the database, its write-ahead log or its tree is
   *     damaged, or the database is missing or empty while its write-ahead log or segments remain
   *     (it is refused, never overwritten: see {@link LedgerRecovery}); {@code WRITE_FAILED} or
   *     {@code DISK_FULL} if it cannot be opened; {@code INCOMPATIBLE} if it was created with
   *     another origin or segment level or another writer has it open
   */
  public static Ledger open(LedgerOptions options, NoteSigner signer, Clock clock) {
    return open(options, signer, clock, CommitListener.NONE);
  }

  /**
   * As {@link #open(LedgerOptions, NoteSigner, Clock)}, telling {@code listener} of every commit of
   * entries, on the writer thread (see {@link CommitListener}).
   */
  public static Ledger open(
      LedgerOptions options, NoteSigner signer, Clock clock, CommitListener listener) {
    return open(options, signer, clock, System::nanoTime, WriterHooks.NONE, listener);
  }

  /**
   * As {@link #open(LedgerOptions, NoteSigner, Clock)}, with the checkpoint interval measured on
   * {@code nanoTime} instead of {@link System#nanoTime}, so that tests can move it.
   */
  static Ledger open(LedgerOptions options, NoteSigner signer, Clock clock, LongSupplier nanoTime) {
    return open(options, signer, clock, nanoTime, WriterHooks.NONE);
  }

  /** As {@link #open(LedgerOptions, NoteSigner, Clock, LongSupplier)}, with a test's faults. */
  static Ledger open(
      LedgerOptions options,
      NoteSigner signer,
      Clock clock,
      LongSupplier nanoTime,
      WriterHooks hooks) {
    return open(options, signer, clock, nanoTime, hooks, CommitListener.NONE);
  }

  private static Ledger open(
      LedgerOptions options,
      NoteSigner signer,
      Clock clock,
      LongSupplier nanoTime,
      WriterHooks hooks,
      CommitListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(nanoTime, "nanoTime");
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(listener, "listener");
    return new Ledger(options, signer, clock, nanoTime, hooks, listener);
  }

  /**
   * Records an entry; the future completes with its receipt once its transaction committed, or
   * fails with an {@link AuditException}: {@code DISK_FULL}, {@code WRITE_FAILED} (with the reason)
   * or {@code DAMAGED} while the writer cannot record, {@code INVALID_ENTRY}, {@code OVERLOADED} or
   * {@code CLOSED}.
   */
  public CompletableFuture<Receipt> append(Entry entry) {
    Objects.requireNonNull(entry, "entry");
    CompletableFuture<Receipt> future = new CompletableFuture<>();
    EntryCodec.Encoded encoded;
    try {
      encoded = EntryCodec.encode(entry);
    } catch (IllegalArgumentException e) {
      future.completeExceptionally(
          new AuditException(
              AuditException.Code.INVALID_ENTRY, "cannot record the entry: " + e.getMessage(), e));
      return future;
    }
    closing.readLock().lock();
    try {
      if (closed || writer.stopped()) {
        future.completeExceptionally(closedFailure());
      } else if (!writer.offer(new WriterTask.Append(encoded, future))) {
        future.completeExceptionally(
            new AuditException(
                AuditException.Code.OVERLOADED,
                options.queueCapacity() + " entries are already waiting for the ledger's writer"));
      }
    } finally {
      closing.readLock().unlock();
    }
    return future;
  }

  /**
   * Signs a checkpoint now if the tree grew since the last one; completes with the latest
   * checkpoint (empty while the ledger is empty).
   */
  public CompletableFuture<Optional<Checkpoint>> checkpoint() {
    CompletableFuture<Optional<Checkpoint>> future = new CompletableFuture<>();
    enqueue(new WriterTask.CheckpointNow(future));
    return future;
  }

  /** The latest signed checkpoint, for summaries to the manufacturer. */
  public Optional<Checkpoint> latestCheckpoint() {
    return writer.latest();
  }

  /** The number of committed entries, archived ones included. */
  public long size() {
    return writer.size();
  }

  /**
   * Whether the ledger records: false from a failed transaction until the writer has recovered by
   * itself (it tries every second) and recorded {@code ledger.recovered}, and for good once it
   * found the ledger damaged.
   */
  public boolean healthy() {
    return writer.healthy();
  }

  /**
   * The usable space, in bytes, on the file system that holds the database, for a warning before
   * the disk fills up.
   */
  public long freeBytes() {
    Path folder = SqliteErrors.folder(options.database());
    try {
      return Files.getFileStore(folder).getUsableSpace();
    } catch (IOException e) {
      throw new AuditException(
          AuditException.Code.READ_FAILED,
          "could not read the free space of " + folder + ": " + e.getMessage(),
          e);
    }
  }

  /** The most recent failure, kept after the ledger recovered so it can be reported. */
  public Optional<AuditException> lastError() {
    return writer.lastError();
  }

  /** The number of committed transactions: with group commit, far fewer than entries. */
  public long commits() {
    return writer.commits();
  }

  /** The public key that checks this ledger's checkpoints. */
  public VerifierKey verifierKey() {
    return signer.verifierKey();
  }

  /** The options the ledger runs with. */
  public LedgerOptions options() {
    return options;
  }

  /**
   * Moves every whole segment of entries below {@code beforeSeq} that the latest checkpoint covers
   * into a sealed segment file, then removes its rows; blocks while it works (a few seconds per
   * 65,536 entries, appends waiting only for the final delete) and returns the new segments. See
   * RETENTION.md.
   */
  public synchronized List<Segment> archive(long beforeSeq) {
    try (LedgerStore store =
        LedgerStore.open(options.database(), options.segmentDirectory(), options.busyTimeout())) {
      return new Archiver(store, this::enqueue, clock).archive(beforeSeq);
    }
  }

  /** How many writing connections the writer has opened: one, and one more per recovery. */
  long writerConnections() {
    return writer.connections();
  }

  /** How many WAL checkpoints the background checkpointer has run. */
  long walCheckpoints() {
    return walCheckpointer.checkpoints();
  }

  /** A reader on its own connection; the caller closes it. */
  public LedgerReader openReader() {
    return LedgerReader.open(options.database(), options.segmentDirectory());
  }

  /**
   * Commits what is waiting, signs a last checkpoint if the tree grew, and stops the writer;
   * appends after this fail with {@code CLOSED}.
   */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      closing.writeLock().unlock();
    }
    // No task can be queued after this one: the writer commits what waits, then ends.
    try {
      writer.put(new WriterTask.Stop());
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
    } finally {
      walCheckpointer.close();
      lock.close();
    }
  }

  private AuditException closedFailure() {
    return closed
        ? new AuditException(AuditException.Code.CLOSED, "the ledger is closed")
        : writer
            .lastError()
            .orElseGet(
                () ->
                    new AuditException(AuditException.Code.CLOSED, "the ledger's writer stopped"));
  }

  /** Hands a task to the writer, or fails it if the ledger is closed. */
  private void enqueue(WriterTask task) {
    closing.readLock().lock();
    try {
      if (closed || !writer.put(task)) {
        task.fail(closedFailure());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.fail(new AuditException(AuditException.Code.CLOSED, "interrupted while waiting", e));
    } finally {
      closing.readLock().unlock();
    }
  }
}
