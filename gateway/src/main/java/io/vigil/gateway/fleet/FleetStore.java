package io.vigil.gateway.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.gateway.GatewayException;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.DropMarker;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.json.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.sqlite.SQLiteConfig;

/**
 * What the fleet watch received, in one SQLite file (WAL, {@code synchronous=FULL}): every accepted
 * message, unique on (gateway, seq), so that a resend is dropped also after a restart; the
 * outbox.dropped ranges that explain gaps; every checkpoint; the refusals and the alerts.
 *
 * <p>Not thread-safe, and blocking: one thread (a worker, never an event loop) uses it.
 */
public final class FleetStore implements AutoCloseable {

  static final int SCHEMA_VERSION = 2;

  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS messages ("
        + " gateway TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
        + " sent_at TEXT NOT NULL, received_at TEXT NOT NULL, topic TEXT NOT NULL,"
        + " body BLOB NOT NULL, UNIQUE (gateway, seq))",
    "CREATE TABLE IF NOT EXISTS drops ("
        + " gateway TEXT NOT NULL, seq INTEGER NOT NULL, first_seq INTEGER NOT NULL,"
        + " last_seq INTEGER NOT NULL, PRIMARY KEY (gateway, seq))",
    "CREATE TABLE IF NOT EXISTS checkpoints ("
        + " gateway TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL,"
        + " root TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (gateway, seq))",
    "CREATE INDEX IF NOT EXISTS checkpoints_by_size ON checkpoints (gateway, size)",
    // Schema 2: the consistency proofs summaries carry, checked once both checkpoints are in.
    "CREATE TABLE IF NOT EXISTS proofs ("
        + " gateway TEXT NOT NULL, seq INTEGER NOT NULL, old_size INTEGER NOT NULL,"
        + " proof TEXT NOT NULL, checked INTEGER NOT NULL, PRIMARY KEY (gateway, seq))",
    "CREATE TABLE IF NOT EXISTS duplicates ("
        + " gateway TEXT PRIMARY KEY, count INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS refusals ("
        + " id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, topic TEXT NOT NULL,"
        + " gateway TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alerts ("
        + " id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, seq INTEGER NOT NULL,"
        + " raised_at TEXT NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL)"
  };

  /** A checkpoint as stored: the summary that carried it, tree size and base64 root hash. */
  record StoredCheckpoint(long seq, long size, String root) {}

  /**
   * A consistency proof not checked yet, with the checkpoint note of the summary that carried it.
   */
  record PendingProof(long seq, String proof, String newNote) {}

  private final Path file;
  private final Connection connection;

  private FleetStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens the store in {@code file}, creating it if it does not exist. */
  public static FleetStore open(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(5_000);
    try {
      Connection c = config.createConnection("jdbc:sqlite:" + file);
      try (Statement s = c.createStatement()) {
        int version;
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.getInt(1);
        }
        if (version > SCHEMA_VERSION) {
          c.close();
          throw new GatewayException(
              GatewayException.Code.DATA_INVALID,
              "fleet store " + file + " has schema " + version + ", newer than " + SCHEMA_VERSION);
        }
        for (String sql : SCHEMA) {
          s.execute(sql);
        }
        s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      }
      c.setAutoCommit(false);
      return new FleetStore(file, c);
    } catch (SQLException e) {
      throw failed(file, "open", e);
    }
  }

  /** Stores a verified message; false, and counted as a duplicate, when (gateway, seq) is in. */
  boolean insert(Verifier.Received m, String topic, Instant receivedAt) {
    int added =
        update(
            "INSERT OR IGNORE INTO messages"
                + " (gateway, seq, kind, sent_at, received_at, topic, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
            m.gateway(),
            m.seq(),
            m.kind().wireName(),
            m.sentAt().toString(),
            receivedAt.toString(),
            topic,
            m.body());
    if (added == 0) {
      update(
          "INSERT INTO duplicates (gateway, count) VALUES (?, 1)"
              + " ON CONFLICT (gateway) DO UPDATE SET count = count + 1",
          m.gateway());
    }
    return added == 1;
  }

  /** The body stored for (gateway, seq), if any. */
  Optional<byte[]> body(String gateway, long seq) {
    return query(
        "SELECT body FROM messages WHERE gateway = ? AND seq = ?",
        rs -> rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty(),
        gateway,
        seq);
  }

  void dropMarker(String gateway, long seq, DropMarker marker) {
    update(
        "INSERT OR IGNORE INTO drops (gateway, seq, first_seq, last_seq) VALUES (?, ?, ?, ?)",
        gateway,
        seq,
        marker.firstSeq(),
        marker.lastSeq());
  }

  void checkpoint(String gateway, long seq, long size, String root, String note) {
    update(
        "INSERT OR IGNORE INTO checkpoints (gateway, seq, size, root, note) VALUES (?, ?, ?, ?, ?)",
        gateway,
        seq,
        size,
        root,
        note);
  }

  /** The note of the first stored checkpoint of this size, if any. */
  Optional<String> checkpointNote(String gateway, long size) {
    return query(
        "SELECT note FROM checkpoints WHERE gateway = ? AND size = ? ORDER BY seq LIMIT 1",
        rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty(),
        gateway,
        size);
  }

  void proof(String gateway, long seq, long oldSize, String proof, boolean checked) {
    update(
        "INSERT OR IGNORE INTO proofs (gateway, seq, old_size, proof, checked)"
            + " VALUES (?, ?, ?, ?, ?)",
        gateway,
        seq,
        oldSize,
        proof,
        checked ? 1 : 0);
  }

  void proofChecked(String gateway, long seq) {
    update("UPDATE proofs SET checked = 1 WHERE gateway = ? AND seq = ?", gateway, seq);
  }

  /** The proofs from tree size {@code oldSize} that wait for a checkpoint of that size. */
  List<PendingProof> pendingProofs(String gateway, long oldSize) {
    return query(
        "SELECT p.seq, p.proof, c.note FROM proofs p"
            + " JOIN checkpoints c ON c.gateway = p.gateway AND c.seq = p.seq"
            + " WHERE p.gateway = ? AND p.old_size = ? AND p.checked = 0 ORDER BY p.seq",
        rs -> {
          List<PendingProof> list = new ArrayList<>();
          while (rs.next()) {
            list.add(new PendingProof(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
          return list;
        },
        gateway,
        oldSize);
  }

  /** Whether a summary sent before {@code seq} carried a consistency proof. */
  boolean sentProofBefore(String gateway, long seq) {
    return count("SELECT count(*) FROM proofs WHERE gateway = ? AND seq < ?", gateway, seq) > 0;
  }

  /** A stored checkpoint of the same size with another root, if any. */
  Optional<StoredCheckpoint> forkOf(String gateway, long size, String root) {
    return query(
        "SELECT seq, size, root FROM checkpoints WHERE gateway = ? AND size = ? AND root <> ?"
            + " ORDER BY seq LIMIT 1",
        FleetStore::firstCheckpoint,
        gateway,
        size,
        root);
  }

  /** A stored checkpoint that is larger but sent earlier, or smaller but sent later, if any. */
  Optional<StoredCheckpoint> orderConflict(String gateway, long seq, long size) {
    return query(
        "SELECT seq, size, root FROM checkpoints WHERE gateway = ?"
            + " AND ((seq < ? AND size > ?) OR (seq > ? AND size < ?)) ORDER BY seq LIMIT 1",
        FleetStore::firstCheckpoint,
        gateway,
        seq,
        size,
        seq,
        size);
  }

  void refused(String topic, String gateway, Outcome.Reason reason, String detail, Instant at) {
    update(
        "INSERT INTO refusals (received_at, topic, gateway, reason, detail) VALUES (?, ?, ?, ?, ?)",
        at.toString(),
        topic,
        gateway,
        reason.name(),
        detail);
  }

  void alert(Alert a) {
    update(
        "INSERT INTO alerts (gateway, seq, raised_at, code, detail) VALUES (?, ?, ?, ?, ?)",
        a.gateway(),
        a.seq(),
        a.raisedAt().toString(),
        a.code(),
        a.detail());
  }

  void commit() {
    try {
      connection.commit();
    } catch (SQLException e) {
      throw failed("commit", e);
    }
  }

  void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      throw failed("roll back", e);
    }
  }

  /** Every alert raised, oldest first. */
  public List<Alert> alerts() {
    return query(
        "SELECT gateway, seq, raised_at, code, detail FROM alerts ORDER BY id",
        rs -> {
          List<Alert> list = new ArrayList<>();
          while (rs.next()) {
            list.add(
                new Alert(
                    rs.getString(1),
                    rs.getLong(2),
                    Instant.parse(rs.getString(3)),
                    rs.getString(4),
                    rs.getString(5)));
          }
          return list;
        });
  }

  /** Refusals by reason of messages naming no registered gateway ({@code gateway} not in it). */
  public long refusedUnregistered() {
    return count("SELECT count(*) FROM refusals WHERE reason IN ('UNREGISTERED', 'MALFORMED')");
  }

  /** The line of {@code gateway} (all zero and empty when nothing of it was received). */
  public GatewayStatus status(String gateway) {
    long[] gaps = gaps(gateway);
    return new GatewayStatus(
        gateway,
        query(
            "SELECT max(received_at) FROM messages WHERE gateway = ?",
            rs -> Optional.ofNullable(rs.getString(1)).map(Instant::parse),
            gateway),
        count(
            "SELECT count(*) FROM messages WHERE gateway = ? AND kind = ?",
            gateway,
            Kind.SUMMARY.wireName()),
        count(
            "SELECT count(*) FROM messages WHERE gateway = ? AND kind = ?",
            gateway,
            Kind.EVENT.wireName()),
        count("SELECT coalesce(sum(count), 0) FROM duplicates WHERE gateway = ?", gateway),
        count(
            "SELECT count(*) FROM refusals WHERE gateway = ? AND reason NOT IN"
                + " ('UNREGISTERED', 'MALFORMED')",
            gateway),
        gaps[0],
        gaps[1],
        query(
            "SELECT size FROM checkpoints WHERE gateway = ? ORDER BY seq DESC LIMIT 1",
            rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty(),
            gateway),
        models(gateway),
        count("SELECT count(*) FROM alerts WHERE gateway = ?", gateway));
  }

  /** Missing sequence numbers between the first and the last received: {explained, not}. */
  private long[] gaps(String gateway) {
    List<long[]> missing =
        query(
            "SELECT seq + 1, next - 1 FROM (SELECT seq, lead(seq) OVER (ORDER BY seq) AS next"
                + " FROM messages WHERE gateway = ?) WHERE next > seq + 1",
            FleetStore::ranges,
            gateway);
    List<long[]> dropped =
        query(
            "SELECT first_seq, last_seq FROM drops WHERE gateway = ? ORDER BY first_seq",
            FleetStore::ranges,
            gateway);
    long total = 0;
    long explained = 0;
    for (long[] gap : missing) {
      total += gap[1] - gap[0] + 1;
      long coveredUpTo = gap[0] - 1;
      for (long[] d : dropped) {
        long from = Math.max(d[0], coveredUpTo + 1);
        long to = Math.min(d[1], gap[1]);
        if (from <= to) {
          explained += to - from + 1;
          coveredUpTo = to;
        }
      }
    }
    return new long[] {explained, total - explained};
  }

  private List<String> models(String gateway) {
    Optional<byte[]> latest =
        query(
            "SELECT body FROM messages WHERE gateway = ? AND kind = ? ORDER BY seq DESC LIMIT 1",
            rs -> rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty(),
            gateway,
            Kind.SUMMARY.wireName());
    List<String> models = new ArrayList<>();
    latest.ifPresent(
        body -> {
          JsonNode inventory = Json.parse(body).path("inventory");
          for (JsonNode item : inventory) {
            models.add(
                item.path("model").asText("?")
                    + " "
                    + item.path("version").asText("?")
                    + " "
                    + item.path("level").asText("?")
                    + (item.path("active").asBoolean(false) ? " (active)" : ""));
          }
        });
    return models;
  }

  @Override
  public void close() {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException e) {
      throw failed("close", e);
    }
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static Optional<StoredCheckpoint> firstCheckpoint(ResultSet rs) throws SQLException {
    return rs.next()
        ? Optional.of(new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3)))
        : Optional.empty();
  }

  private static List<long[]> ranges(ResultSet rs) throws SQLException {
    List<long[]> list = new ArrayList<>();
    while (rs.next()) {
      list.add(new long[] {rs.getLong(1), rs.getLong(2)});
    }
    return list;
  }

  private long count(String sql, Object... args) {
    return query(sql, rs -> rs.next() ? rs.getLong(1) : 0L, args);
  }

  private <T> T query(String sql, Reader<T> reader, Object... args) {
    try (PreparedStatement s = prepare(sql, args);
        ResultSet rs = s.executeQuery()) {
      return reader.read(rs);
    } catch (SQLException e) {
      throw failed("read", e);
    }
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement s = prepare(sql, args)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw failed("write", e);
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement s = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
    return s;
  }

  private GatewayException failed(String what, SQLException e) {
    return failed(file, what, e);
  }

  private static GatewayException failed(Path file, String what, SQLException e) {
    return new GatewayException(
        GatewayException.Code.IO_FAILED,
        "fleet store " + file + ": cannot " + what + ": " + e.getMessage(),
        e);
  }
}
