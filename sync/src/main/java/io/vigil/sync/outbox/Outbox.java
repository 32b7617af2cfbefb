package io.vigil.sync.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The store-and-forward outbox: every message is a durable row, numbered by this gateway's
 * sequence, before anything is sent, and is deleted only once the broker acknowledged it.
 *
 * <p>Durability: WAL with {@code synchronous=FULL}, one {@code BEGIN IMMEDIATE} transaction per
 * {@link #append}/{@link #appendAll} call, with the sequence counter in the same transaction: a
 * number that a call returned is on disk and is never handed out again, across restarts, kill -9
 * and power cuts. Sent rows are deleted by {@link #markSent} at once; the receiver de-duplicates on
 * (gateway, seq), so a row sent twice (PUBACK lost, process killed) does no harm.
 *
 * <p>Threads: every method blocks on SQLite and an fsync, so none may run on a Vert.x event loop;
 * call them from one named worker (an ordered {@code executeBlocking} or a shared worker executor
 * of one thread). They are {@code synchronized}, so a second thread is safe but waits.
 */
public final class Outbox implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

  /** The marker's body is under 200 bytes; this much is kept free for it when dropping. */
  static final int MARKER_RESERVE_BYTES = 512;

  /** The topic the marker goes to: it explains gaps in every topic of the gateway. */
  public static final String MARKER_TOPIC_SUFFIX = "events";

  private final OutboxOptions options;
  private final Clock clock;
  private Connection sql;
  private boolean closed;

  // What is committed; changed only after a COMMIT, re-read after a failed one.
  private long nextSeq;
  private long droppedTotal;
  private long rows;
  private long bytes;
  private long safetyRows;

  private Outbox(OutboxOptions options, Clock clock, Connection sql) throws SQLException {
    this.options = options;
    this.clock = clock;
    this.sql = sql;
    load();
  }

  /** Opens the outbox at {@code options.database()}, creating it if there is none. */
  public static Outbox open(OutboxOptions options) {
    return open(options, Clock.systemUTC());
  }

  /** Opens the outbox with {@code clock} for the rows' creation times and ages. */
  public static Outbox open(OutboxOptions options, Clock clock) {
    try {
      Files.createDirectories(options.database().getParent());
    } catch (IOException e) {
      throw new OutboxException(
          OutboxException.Code.STORAGE,
          "cannot create the directory of the outbox " + options.database() + ": " + e,
          e);
    }
    try {
      return new Outbox(options, clock, OutboxDb.open(options));
    } catch (SQLException e) {
      throw new OutboxException(
          OutboxException.Code.STORAGE,
          "cannot open the outbox " + options.database() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Stores one message and returns its sequence number once it is on disk.
   *
   * @throws OutboxException {@link OutboxException.Code#STORAGE} if it could not be committed
   */
  public long append(Kind kind, String topicSuffix, byte[] payload, Priority priority) {
    return appendAll(List.of(new Outgoing(kind, topicSuffix, payload, priority))).get(0);
  }

  /**
   * Stores {@code messages} in one transaction (one fsync) and returns their sequence numbers, in
   * order. A routine message may be dropped on arrival by the full-outbox policy when nothing older
   * is left to drop; its number is then in the marker's range.
   */
  public synchronized List<Long> appendAll(List<Outgoing> messages) {
    ensureOpen();
    if (messages.isEmpty()) {
      return List.of();
    }
    Instant now = clock.instant();
    long seq = nextSeq;
    long r = rows;
    long b = bytes;
    long safety = safetyRows;
    List<Long> seqs = new ArrayList<>(messages.size());
    Optional<DropMarker> dropped;
    try {
      OutboxDb.exec(sql, "BEGIN IMMEDIATE");
      try (PreparedStatement insert = sql.prepareStatement(Rows.INSERT)) {
        for (Outgoing m : messages) {
          Rows.bind(insert, seq, m.kind(), m.topicSuffix(), m.priority(), now, m.payload());
          insert.executeUpdate();
          seqs.add(seq++);
          r++;
          b += m.payload().length;
          safety += m.priority() == Priority.SAFETY ? 1 : 0;
        }
      }
      FullPolicy.Result result = FullPolicy.enforce(sql, options, r, b, seq, now);
      dropped = result.marker();
      r = result.rows();
      b = result.bytes();
      seq = result.nextSeq();
      try (PreparedStatement counter =
          sql.prepareStatement(
              "UPDATE counter SET next_seq = ?, dropped_total = dropped_total + ? WHERE id = 0")) {
        counter.setLong(1, seq);
        counter.setLong(2, result.droppedNow());
        counter.executeUpdate();
      }
      OutboxDb.exec(sql, "COMMIT");
      droppedTotal += result.droppedNow();
    } catch (SQLException | RuntimeException e) {
      throw failed("could not append " + messages.size() + " message(s)", e);
    }
    nextSeq = seq;
    rows = r;
    bytes = b;
    safetyRows = safety;
    dropped.ifPresent(
        m ->
            LOG.log(
                Level.WARNING,
                "outbox full: dropped {0} summaries and {1} routine events in seq {2}..{3}"
                    + " to stay within {4} bytes and {5} rows",
                new Object[] {
                  m.summaries(),
                  m.events(),
                  m.firstSeq(),
                  m.lastSeq(),
                  options.maxBytes(),
                  options.maxRows()
                }));
    return List.copyOf(seqs);
  }

  /** Up to {@code limit} unsent rows, lowest sequence number first. */
  public List<Pending> next(int limit) {
    return next(0, limit);
  }

  /**
   * Up to {@code limit} unsent rows after {@code afterSeq}, lowest first: for a publisher that
   * keeps rows in flight and asks only for those it has not sent yet.
   */
  public synchronized List<Pending> next(long afterSeq, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1");
    }
    ensureOpen();
    try (PreparedStatement ps =
        sql.prepareStatement(Rows.SELECT + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, afterSeq);
      ps.setInt(2, limit);
      List<Pending> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Rows.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new OutboxException(
          OutboxException.Code.STORAGE, "could not read the outbox: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes row {@code seq} once the broker acknowledged it (PUBACK); returns whether it was still
   * there (false for a row already marked, or dropped while it was in flight).
   */
  public synchronized boolean markSent(long seq) {
    ensureOpen();
    try {
      OutboxDb.exec(sql, "BEGIN IMMEDIATE");
      Optional<long[]> row = Rows.sizeAndSafety(sql, seq);
      if (row.isPresent()) {
        try (PreparedStatement ps = sql.prepareStatement("DELETE FROM messages WHERE seq = ?")) {
          ps.setLong(1, seq);
          ps.executeUpdate();
        }
      }
      OutboxDb.exec(sql, "COMMIT");
      row.ifPresent(
          sizeAndSafety -> {
            rows--;
            bytes -= sizeAndSafety[0];
            safetyRows -= sizeAndSafety[1];
          });
      return row.isPresent();
    } catch (SQLException | RuntimeException e) {
      throw failed("could not mark seq " + seq + " sent", e);
    }
  }

  /** What the outbox holds now. */
  public synchronized OutboxStats stats() {
    ensureOpen();
    Optional<Duration> age;
    try {
      age =
          Rows.oldestCreatedAt(sql)
              .map(t -> Duration.between(t, clock.instant()))
              .map(d -> d.isNegative() ? Duration.ZERO : d);
    } catch (SQLException e) {
      throw new OutboxException(
          OutboxException.Code.STORAGE, "could not read the outbox: " + e.getMessage(), e);
    }
    boolean over = rows > options.maxRows() || bytes > options.maxBytes();
    return new OutboxStats(rows, bytes, safetyRows, age, over, droppedTotal, nextSeq);
  }

  /** The options it was opened with. */
  public OutboxOptions options() {
    return options;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sql.close();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the outbox " + options.database() + " failed: " + e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new OutboxException(
          OutboxException.Code.CLOSED, "the outbox " + options.database() + " is closed");
    }
  }

  private void load() throws SQLException {
    try (PreparedStatement ps =
            sql.prepareStatement("SELECT next_seq, dropped_total FROM counter WHERE id = 0");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the outbox has no counter row");
      }
      long counted = rs.getLong(1);
      if (counted < nextSeq) {
        throw new SQLException("the outbox's counter went back from " + nextSeq + " to " + counted);
      }
      nextSeq = counted;
      droppedTotal = rs.getLong(2);
    }
    try (PreparedStatement ps =
            sql.prepareStatement(
                "SELECT count(*), coalesce(sum(length(payload)), 0),"
                    + " coalesce(sum(priority = 'safety'), 0) FROM messages");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      rows = rs.getLong(1);
      bytes = rs.getLong(2);
      safetyRows = rs.getLong(3);
    }
  }

  /**
   * After a failed write SQLite may have rolled back on its own, and after a failed fsync the file
   * may not hold what the page cache said: close, reopen and re-read what is committed rather than
   * trust the connection (FIELD-NOTES, SQLite). If even that fails, the outbox closes.
   */
  private OutboxException failed(String what, Exception e) {
    try {
      if (!sql.getAutoCommit()) {
        sql.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is replaced below.
    }
    try {
      OutboxDb.exec(sql, "ROLLBACK");
    } catch (SQLException ignored) {
      // No transaction was open: SQLite rolled it back itself.
    }
    try {
      sql.close();
      sql = OutboxDb.open(options);
      load();
    } catch (SQLException | RuntimeException reopen) {
      closed = true;
      e.addSuppressed(reopen);
    }
    if (e instanceof OutboxException oe) {
      return oe;
    }
    return new OutboxException(
        OutboxException.Code.STORAGE,
        what + " in " + options.database() + ": " + e.getMessage(),
        e);
  }
}
