package io.vigil.audit;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The ledger's one writer: a thread that owns the writing connection, takes as many waiting entries
 * as are ready (up to the batch limit) into one {@code BEGIN IMMEDIATE} transaction, completes
 * their futures after {@code COMMIT}, and signs checkpoints.
 *
 * <p>After any failed transaction the writer trusts neither its connection nor its statements nor
 * the last commit: it closes them, and recovers by itself, at once and then every {@link
 * #RECOVERY_INTERVAL} whether or not entries arrive: a new connection, size and tree read again
 * from the database, the newest entries re-checked ({@link TailCheck}), and a {@code
 * ledger.recovered} event committed as the first entry after the fault. Until then every append
 * fails with the fault, and nothing is acknowledged that did not commit.
 */
final class LedgerWriter implements Runnable {

  /**
   * How often the writer tries to recover from a fault, once the first try right after it failed.
   */
  static final Duration RECOVERY_INTERVAL = WriterFault.RETRY_INTERVAL;

  /**
   * After a full disk, the writer tries again only once this much is free: a commit that fits in
   * the last few kilobytes would make the ledger healthy for the moment and fail the next batch.
   */
  static final long RECOVERY_HEADROOM_BYTES = 1024 * 1024;

  static final String SYSTEM = "system";

  private static final Logger LOG = System.getLogger(LedgerWriter.class.getName());

  /** Carries an SQLException out of the frontier's callback. */
  private static final class SqlFailure extends RuntimeException {
    SqlFailure(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final LedgerOptions options;
  private final Path database;
  private final NoteSigner signer;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final WriterHooks hooks;
  private final CommitListener listener;
  private final BlockingQueue<WriterTask> queue;
  private final CheckpointSchedule schedule;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final ClockWatch clockWatch;

  private WriteStatements sql;
  private Frontier frontier;
  // Writer thread only: the refs of the entries after the last stored ref block.
  private final RefBlocks.Open refs = new RefBlocks.Open();
  private WriterFault fault;

  /** The entries known to be committed: a reload that finds fewer found lost entries. */
  private long committedSize;

  private volatile long size;
  private volatile Checkpoint latest;
  private volatile boolean healthy = true;
  private volatile AuditException lastError;
  private volatile boolean stopped;

  LedgerWriter(
      LedgerOptions options,
      NoteSigner signer,
      Clock clock,
      LongSupplier nanoTime,
      WriterHooks hooks,
      CommitListener listener) {
    this.options = options;
    this.database = options.database();
    this.signer = signer;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.hooks = hooks;
    this.listener = listener;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.schedule =
        new CheckpointSchedule(
            options.checkpointEveryEntries(), options.checkpointInterval(), nanoTime);
    LedgerFiles.Inspection files = LedgerFiles.inspect(database, options.segmentDirectory(), true);
    Instant lastEntryTime;
    try {
      if (files.exists()) {
        Damage.checkBeforeWriting(database, options.busyTimeout(), files.walHasFrames());
      }
      connect(true);
      lastEntryTime = Sqlite.lastEntryTime(sql.connection()).orElse(null);
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      throw SqliteErrors.write("could not open the ledger " + database, database, e);
    }
    this.committedSize = size;
    this.clockWatch = new ClockWatch(clock, nanoTime, lastEntryTime);
  }

  /**
   * Opens the writing connection and its statements (when the writer starts, creating or migrating
   * the schema) and reads the state from the database; returns the number of entries re-checked.
   */
  private long connect(boolean starting) throws SQLException {
    Connection c = Sqlite.openWriter(options);
    connections.incrementAndGet();
    try {
      hooks.opened(c);
      if (starting) {
        Sqlite.prepare(c, options);
      }
      sql = new WriteStatements(c, hooks);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return load();
  }

  /** Reads size, frontier and the latest checkpoint, re-checking the newest entries. */
  private long load() throws SQLException {
    Connection c = sql.connection();
    long n = Sqlite.size(c);
    Checkpoint checkpoint = Sqlite.latestCheckpoint(c).orElse(null);
    TailCheck.Result checked = TailCheck.run(c, database, n, checkpoint);
    if (n < committedSize) {
      throw Damage.of(
          database,
          "entries "
              + n
              + ".."
              + (committedSize - 1)
              + " were committed and acknowledged but are no longer in it");
    }
    refs.load(c, n);
    frontier = checked.frontier();
    latest = checkpoint;
    size = n;
    committedSize = n;
    return checked.rechecked();
  }

  boolean offer(WriterTask task) {
    return queue.offer(task);
  }

  /** Queues the task, waiting for room while the writer runs; false if it has stopped. */
  boolean put(WriterTask task) throws InterruptedException {
    while (!stopped) {
      if (queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the writer thread has ended; it takes no more tasks. */
  boolean stopped() {
    return stopped;
  }

  long size() {
    return size;
  }

  Optional<Checkpoint> latest() {
    return Optional.ofNullable(latest);
  }

  boolean healthy() {
    return healthy;
  }

  Optional<AuditException> lastError() {
    return Optional.ofNullable(lastError);
  }

  long commits() {
    return commits.get();
  }

  /** How many writing connections the writer has opened: one, and one more per recovery. */
  long connections() {
    return connections.get();
  }

  @Override
  public void run() {
    List<WriterTask> tasks = new ArrayList<>(options.maxBatchEntries());
    try {
      loop(tasks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failRemaining(tasks, new AuditException(AuditException.Code.CLOSED, "the ledger is closed"));
    } catch (RuntimeException | Error e) {
      AuditException failure =
          new AuditException(
              AuditException.Code.WRITE_FAILED,
              "the ledger's writer stopped: " + SqliteErrors.message(e),
              e);
      LOG.log(Level.ERROR, failure.getMessage());
      lastError = failure;
      healthy = false;
      failRemaining(tasks, failure);
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      stopped = true;
      closeConnection();
    }
  }

  private void loop(List<WriterTask> tasks) throws InterruptedException {
    List<WriterTask.Append> batch = new ArrayList<>(options.maxBatchEntries());
    while (true) {
      WriterTask first = queue.poll(nanosToWait(), TimeUnit.NANOSECONDS);
      if (first != null) {
        tasks.add(first);
        queue.drainTo(tasks, options.maxBatchEntries() - 1);
      }
      if (fault != null && fault.due(nanoTime.getAsLong())) {
        recover();
      }
      for (int i = 0; i < tasks.size(); i++) {
        WriterTask task = tasks.get(i);
        if (task instanceof WriterTask.Append a) {
          batch.add(a);
          continue;
        }
        commitBatch(batch);
        if (task instanceof WriterTask.Stop) {
          stop(new ArrayList<>(tasks.subList(i + 1, tasks.size())));
          return;
        }
        control(task);
      }
      commitBatch(batch);
      tasks.clear();
      if (fault == null && schedule.due(size, checkpointSize())) {
        tryCheckpoint();
      }
    }
  }

  /** Until the next checkpoint is due, or while faulty, until the next try to recover. */
  private long nanosToWait() {
    return fault == null
        ? schedule.nanosToWait(size, checkpointSize())
        : fault.nanosToWait(nanoTime.getAsLong());
  }

  private void control(WriterTask task) {
    if (task instanceof WriterTask.CheckpointNow c) {
      try {
        if (size > checkpointSize()) {
          writeCheckpoint();
        }
        c.future().complete(latest());
      } catch (AuditException e) {
        c.future().completeExceptionally(e);
      }
    } else if (task instanceof WriterTask.CommitSegment s) {
      try {
        commitSegment(s.segment(), s.time());
        s.future().complete(null);
      } catch (AuditException e) {
        s.future().completeExceptionally(e);
      }
    }
  }

  private void stop(List<WriterTask> after) {
    if (fault == null && size > checkpointSize()) {
      tryCheckpoint();
    }
    failRemaining(after, new AuditException(AuditException.Code.CLOSED, "the ledger is closed"));
  }

  /** Fails these tasks and every task still queued. */
  private void failRemaining(List<WriterTask> tasks, AuditException failure) {
    List<WriterTask> rest = new ArrayList<>(tasks);
    tasks.clear();
    queue.drainTo(rest);
    rest.forEach(t -> t.fail(failure));
  }

  private void commitBatch(List<WriterTask.Append> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (fault != null) {
      AuditException failure = lastError;
      batch.forEach(a -> a.fail(failure));
      batch.clear();
      return;
    }
    commit(List.of(), batch);
  }

  /**
   * Commits the writer's own events, then the appends, in one transaction, a {@code clock.stepped}
   * event first if the wall clock stepped; completes the appends' futures after the commit, or
   * fails them. Returns whether it committed.
   */
  private boolean commit(List<EntryCodec.Encoded> events, List<WriterTask.Append> batch) {
    ClockWatch.Reading reading = clockWatch.read();
    List<EntryCodec.Encoded> own = new ArrayList<>(events.size() + 1);
    reading.step().ifPresent(step -> own.add(0, clockStepped(step)));
    own.addAll(events);
    int count = own.size() + batch.size();
    long base = size;
    String time = EntryCodec.formatTime(reading.time());
    byte[][] leaves = new byte[count][];
    long started = nanoTime.getAsLong();
    long took;
    try {
      sql.begin();
      for (int i = 0; i < count; i++) {
        EntryCodec.Encoded e = i < own.size() ? own.get(i) : batch.get(i - own.size()).encoded();
        byte[] canonical = EntryCodec.canonical(e, base + i, time);
        leaves[i] = Digests.leaf(canonical);
        sql.entry(base + i, time, e, canonical);
        RefBlocks.Full block = refs.add(base + i, e.ref());
        if (block != null) {
          sql.refBlock(block);
        }
        frontier.append(leaves[i], this::insertNode);
      }
      sql.commit();
      took = nanoTime.getAsLong() - started;
    } catch (SQLException | RuntimeException e) {
      AuditException failure =
          failed(
              "could not commit entries " + base + ".." + (base + count - 1) + " to " + database,
              e);
      batch.forEach(a -> a.fail(failure));
      batch.clear();
      return false;
    }
    size = base + count;
    committedSize = size;
    clockWatch.committed(reading);
    commits.incrementAndGet();
    if (reading.step().isPresent()) {
      LOG.log(
          Level.WARNING,
          "the wall clock stepped by "
              + reading.step().get().millis()
              + " ms; recorded as entry "
              + base);
    }
    for (int i = 0; i < batch.size(); i++) {
      int at = own.size() + i;
      batch.get(i).future().complete(new Receipt(base + at, Hash.wrap(leaves[at])));
    }
    batch.clear();
    tellListener(count, took);
    return true;
  }

  private void tellListener(int entries, long nanos) {
    try {
      listener.committed(entries, nanos);
    } catch (RuntimeException e) {
      // A faulty listener must not stop the writer, which every append waits on.
      LOG.log(Level.WARNING, "the ledger's commit listener failed: " + e);
    }
  }

  private static EntryCodec.Encoded clockStepped(ClockWatch.Step step) {
    return EntryCodec.encode(
        EventEntry.of(
            "clock.stepped",
            SYSTEM,
            Map.of(
                "expected", EntryCodec.formatTime(step.expected()),
                "actual", EntryCodec.formatTime(step.actual()),
                "step_ms", step.millis())));
  }

  /**
   * Reopens, reloads and re-checks, then commits {@code ledger.recovered}; only then is the ledger
   * healthy again. A try that fails leaves the fault in place for the next.
   */
  private void recover() {
    if (lastError.code() == AuditException.Code.DISK_FULL && !enoughFreeSpace()) {
      lastError = SqliteErrors.diskFull(database, lastError.getCause());
      fault.postpone(nanoTime.getAsLong());
      return;
    }
    long rechecked;
    try {
      closeConnection();
      rechecked = connect(false);
    } catch (SQLException | RuntimeException e) {
      failed("could not reopen the ledger " + database, e);
      return;
    }
    Map<String, Object> details = fault.details(nanoTime.getAsLong(), rechecked);
    EntryCodec.Encoded event =
        EntryCodec.encode(EventEntry.of("ledger.recovered", SYSTEM, details));
    if (commit(List.of(event), new ArrayList<>())) {
      fault.logRecovered(database, details);
      fault = null;
      healthy = true;
    }
  }

  private boolean enoughFreeSpace() {
    try {
      Path folder = SqliteErrors.folder(database);
      return Files.getFileStore(folder).getUsableSpace() >= RECOVERY_HEADROOM_BYTES;
    } catch (IOException e) {
      return true;
    }
  }

  private void insertNode(int level, long index, byte[] hash) {
    try {
      sql.node(level, index, hash);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  private long checkpointSize() {
    Checkpoint c = latest;
    return c == null ? 0 : c.size();
  }

  /** Signs a checkpoint; a failure is recorded in lastError and retried on schedule. */
  private void tryCheckpoint() {
    try {
      writeCheckpoint();
    } catch (AuditException e) {
      // recorded in lastError
    }
  }

  private void writeCheckpoint() {
    if (fault != null) {
      throw lastError;
    }
    Checkpoint c;
    try {
      c = Checkpoint.sign(options.origin(), size, Hash.wrap(frontier.root()), signer);
    } catch (RuntimeException e) {
      schedule.attempted(false);
      AuditException failure =
          e instanceof AuditException a
              ? a
              : new AuditException(
                  AuditException.Code.SIGN_FAILED,
                  "could not sign the checkpoint at size " + size + ": " + SqliteErrors.message(e),
                  e);
      // The entries are safe; a signer that fails does not stop the ledger from recording.
      LOG.log(Level.WARNING, failure.getMessage());
      lastError = failure;
      throw failure;
    }
    try {
      sql.begin();
      sql.checkpoint(c.size(), EntryCodec.formatTime(clock.instant()), c.note());
      sql.commit();
    } catch (SQLException | RuntimeException e) {
      schedule.attempted(false);
      throw failed("could not store the checkpoint at size " + c.size() + " in " + database, e);
    }
    schedule.attempted(true);
    latest = c;
    commits.incrementAndGet();
  }

  private void commitSegment(Segment s, String time) {
    if (fault != null) {
      throw lastError;
    }
    try {
      sql.begin();
      sql.segment(s, time);
      sql.commit();
    } catch (SQLException | RuntimeException e) {
      throw failed("could not record " + s + " and remove its rows from " + database, e);
    }
    commits.incrementAndGet();
  }

  /**
   * Records a failed transaction: the connection and its statements are closed (which rolls back
   * what SQLite left open), the ledger is unhealthy, and the writer tries to recover at once the
   * first time, then every {@link #RECOVERY_INTERVAL}.
   */
  private AuditException failed(String what, Throwable e) {
    AuditException failure = SqliteErrors.write(what, database, e);
    closeConnection();
    long now = nanoTime.getAsLong();
    if (fault == null) {
      fault = WriterFault.begin(clock.instant(), now, failure);
    } else {
      fault.failedAgain(failure, now);
    }
    lastError = failure;
    healthy = false;
    return failure;
  }

  void closeConnection() {
    if (sql != null) {
      sql.close();
      sql = null;
    }
  }
}
