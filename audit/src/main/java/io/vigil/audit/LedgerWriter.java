package io.vigil.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * <p>After a failed transaction the in-memory state (size, frontier) is reloaded from the database
 * before the next write, so the two never differ, whatever the failure left behind.
 */
final class LedgerWriter implements Runnable {

  /** Carries an SQLException out of the frontier's callback. */
  private static final class SqlFailure extends RuntimeException {
    SqlFailure(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final LedgerOptions options;
  private final NoteSigner signer;
  private final Clock clock;
  private final BlockingQueue<WriterTask> queue;
  private final CheckpointSchedule schedule;
  private final AtomicLong commits = new AtomicLong();

  private WriteStatements sql;
  private Frontier frontier;
  private boolean stale;
  private boolean broken;

  private volatile long size;
  private volatile Checkpoint latest;
  private volatile boolean healthy = true;
  private volatile AuditException lastError;
  private volatile boolean stopped;

  LedgerWriter(LedgerOptions options, NoteSigner signer, Clock clock, LongSupplier nanoTime) {
    this.options = options;
    this.signer = signer;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.schedule =
        new CheckpointSchedule(
            options.checkpointEveryEntries(), options.checkpointInterval(), nanoTime);
    try {
      Connection c = Sqlite.openWriter(options);
      try {
        Sqlite.prepare(c, options);
        this.sql = new WriteStatements(c);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      load();
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      throw e instanceof AuditException a
          ? a
          : new AuditException(
              AuditException.Code.WRITE_FAILED,
              "could not open the ledger " + options.database() + ": " + e.getMessage(),
              e);
    }
  }

  /** Reads size, frontier and the latest checkpoint from the database. */
  private void load() throws SQLException {
    Connection c = sql.connection();
    long n = Sqlite.size(c);
    try (DbNodes nodes = new DbNodes(c)) {
      frontier = Frontier.load(n, nodes);
    }
    latest = Sqlite.latestCheckpoint(c).orElse(null);
    if (latest != null && latest.size() == n && !latest.root().equals(Hash.wrap(frontier.root()))) {
      throw new AuditException(
          AuditException.Code.CORRUPT,
          "the ledger's tree of "
              + n
              + " entries does not match its latest checkpoint; run verify");
    }
    size = n;
    stale = false;
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
              AuditException.Code.WRITE_FAILED, "the ledger's writer stopped: " + describe(e), e);
      failed(failure);
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
      WriterTask first =
          queue.poll(schedule.nanosToWait(size, checkpointSize()), TimeUnit.NANOSECONDS);
      if (first != null) {
        tasks.add(first);
        queue.drainTo(tasks, options.maxBatchEntries() - 1);
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
      if (schedule.due(size, checkpointSize())) {
        tryCheckpoint();
      }
    }
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
    if (size > checkpointSize()) {
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
    long base = size;
    byte[][] leaves = new byte[batch.size()][];
    try {
      ready();
      base = size;
      sql.begin();
      for (int i = 0; i < batch.size(); i++) {
        EntryCodec.Encoded e = batch.get(i).encoded();
        long seq = base + i;
        String time = EntryCodec.formatTime(clock.instant());
        byte[] canonical = EntryCodec.canonical(e, seq, time);
        leaves[i] = Digests.leaf(canonical);
        sql.entry(seq, time, e, canonical);
        frontier.append(leaves[i], this::insertNode);
      }
      sql.commit();
    } catch (SQLException | RuntimeException e) {
      AuditException failure =
          rolledBack(
              "could not commit entries "
                  + base
                  + ".."
                  + (base + batch.size() - 1)
                  + " to "
                  + options.database(),
              e);
      batch.forEach(a -> a.fail(failure));
      batch.clear();
      return;
    }
    size = base + batch.size();
    committed();
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future().complete(new Receipt(base + i, Hash.wrap(leaves[i])));
    }
    batch.clear();
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
    Checkpoint c;
    try {
      ready();
      c = Checkpoint.sign(options.origin(), size, Hash.wrap(frontier.root()), signer);
    } catch (SQLException | RuntimeException e) {
      schedule.attempted(false);
      AuditException failure =
          e instanceof AuditException a
              ? a
              : new AuditException(
                  AuditException.Code.SIGN_FAILED,
                  "could not sign the checkpoint at size " + size + ": " + describe(e),
                  e);
      // The entries are safe; a signer that fails does not stop the ledger from recording.
      lastError = failure;
      throw failure;
    }
    try {
      sql.begin();
      sql.checkpoint(c.size(), EntryCodec.formatTime(clock.instant()), c.note());
      sql.commit();
    } catch (SQLException | RuntimeException e) {
      schedule.attempted(false);
      throw rolledBack("could not store the checkpoint at size " + c.size(), e);
    }
    schedule.attempted(true);
    latest = c;
    committed();
  }

  private void commitSegment(Segment s, String time) {
    try {
      ready();
      sql.begin();
      sql.segment(s, time);
      sql.commit();
    } catch (SQLException | RuntimeException e) {
      throw rolledBack("could not record " + s + " and remove its rows", e);
    }
    committed();
  }

  /** Reopens the connection or reloads the state if an earlier failure left them in doubt. */
  private void ready() throws SQLException {
    if (broken) {
      closeConnection();
      sql = new WriteStatements(Sqlite.openWriter(options));
      broken = false;
      stale = true;
    }
    if (stale) {
      load();
    }
  }

  private void committed() {
    commits.incrementAndGet();
    healthy = true;
  }

  /** Rolls back, marks the state for reloading, records and returns the failure. */
  private AuditException rolledBack(String what, Exception e) {
    stale = true;
    if (sql == null) {
      broken = true;
    } else {
      try {
        sql.rollback();
      } catch (SQLException | RuntimeException r) {
        // SQLite rolls some failed transactions back by itself (a full disk, for one); any other
        // failure leaves the connection in doubt.
        if (r.getMessage() == null || !r.getMessage().contains("no transaction is active")) {
          broken = true;
        }
      }
    }
    AuditException failure =
        e instanceof AuditException a && a.code() == AuditException.Code.CORRUPT
            ? a
            : new AuditException(AuditException.Code.WRITE_FAILED, what + ": " + describe(e), e);
    failed(failure);
    return failure;
  }

  private void failed(AuditException failure) {
    lastError = failure;
    healthy = false;
  }

  void closeConnection() {
    if (sql != null) {
      sql.close();
      sql = null;
    }
  }

  private static String describe(Throwable e) {
    Throwable cause = e instanceof SqlFailure && e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
