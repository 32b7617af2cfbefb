package io.vigil.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * Connections to the ledger's SQLite file and its schema.
 *
 * <p>Tables: {@code entries} (one row per entry: seq, time, kind, ref, model_id and the canonical
 * bytes), {@code nodes} (the hash of every complete subtree, keyed by its {@link PostOrder}
 * position, with its level and index; leaves at level 0), {@code checkpoints} (signed notes by tree
 * size), {@code segments} (archived ranges) and {@code meta} (origin and segment level, fixed at
 * creation), and {@code ref_blocks} (the entries' refs, sorted, per run of {@link
 * RefBlocks#ENTRIES} sequence numbers: derived from {@code entries}, for lookups by ref).
 */
final class Sqlite {

  /** 2: nodes keyed by post-order position (1 keyed them by level and index). */
  static final int SCHEMA_VERSION = 2;

  /** The seq after the last archived entry, looked up through the primary key. */
  private static final String ARCHIVED_END =
      "coalesce((SELECT first_seq + count FROM segments ORDER BY idx DESC LIMIT 1), 0)";

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS meta(
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL)""",
    """
    CREATE TABLE IF NOT EXISTS entries(
      seq INTEGER PRIMARY KEY,
      time TEXT NOT NULL,
      kind TEXT NOT NULL,
      ref TEXT NOT NULL,
      model_id TEXT,
      canonical BLOB NOT NULL)""",
    """
    CREATE TABLE IF NOT EXISTS nodes(
      pos INTEGER PRIMARY KEY,
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      hash BLOB NOT NULL)""",
    """
    CREATE TABLE IF NOT EXISTS checkpoints(
      size INTEGER PRIMARY KEY,
      time TEXT NOT NULL,
      note TEXT NOT NULL)""",
    """
    CREATE TABLE IF NOT EXISTS segments(
      idx INTEGER PRIMARY KEY,
      level INTEGER NOT NULL,
      first_seq INTEGER NOT NULL,
      count INTEGER NOT NULL,
      root BLOB NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      checkpoint_size INTEGER NOT NULL,
      archived_at TEXT NOT NULL)""",
    // Outcomes find their prediction by request id, and a restart finds the outcome events by
    // type: the refs of each aligned run of entries, sorted, one row per run (RefBlocks), created
    // where missing so that older ledgers gain it without a migration. Not an index on
    // entries(ref), which issue 18's first builds made and which cost every append a page write
    // when refs come in random order: dropped where found.
    """
    CREATE TABLE IF NOT EXISTS ref_blocks(
      first_seq INTEGER PRIMARY KEY,
      keys BLOB NOT NULL)""",
    "DROP INDEX IF EXISTS entries_ref",
    // Insert-only, enforced by the database too: a bug cannot rewrite history. Only the rows of
    // archived segments may be deleted, and only below the segment's subtree node.
    guard("entries_insert_only", "UPDATE ON entries", ""),
    guard("entries_archived_only", "DELETE ON entries", "WHEN OLD.seq >= " + ARCHIVED_END),
    guard("nodes_insert_only", "UPDATE ON nodes", ""),
    guard(
        "nodes_archived_only",
        "DELETE ON nodes",
        "WHEN (OLD.idx << OLD.level) >= "
            + ARCHIVED_END
            + " OR OLD.level >= (SELECT CAST(value AS INTEGER) FROM meta"
            + " WHERE key = 'segment_level')"),
    guard("checkpoints_insert_only", "UPDATE ON checkpoints", ""),
    guard("checkpoints_kept", "DELETE ON checkpoints", ""),
    guard("segments_insert_only", "UPDATE ON segments", ""),
    guard("segments_kept", "DELETE ON segments", "")
  };

  private static String guard(String name, String event, String when) {
    return "CREATE TRIGGER IF NOT EXISTS "
        + name
        + " BEFORE "
        + event
        + " "
        + when
        + " BEGIN SELECT RAISE(ABORT, 'the ledger is insert-only ("
        + name
        + ")'); END";
  }

  private Sqlite() {}

  /** The one writing connection: WAL, the chosen synchronous mode, explicit busy timeout. */
  static Connection openWriter(LedgerOptions options) throws SQLException {
    SQLiteConfig config = common(options.busyTimeout());
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(
        options.durability() == Durability.FULL
            ? SQLiteConfig.SynchronousMode.FULL
            : SQLiteConfig.SynchronousMode.NORMAL);
    Connection c = config.createConnection(url(options.database()));
    try {
      // The WAL is copied back by WalCheckpointer; this is only its backstop.
      exec(c, "PRAGMA wal_autocheckpoint = " + WalCheckpointer.WRITER_BACKSTOP_PAGES);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** A read-only connection; in WAL mode it never blocks the writer nor waits for it. */
  static Connection openReader(Path database, Duration busyTimeout) throws SQLException {
    return openReader(database, busyTimeout, false);
  }

  /**
   * A read-only connection; {@code immutable} when no process has the database open, so that SQLite
   * creates no write-ahead log or shared-memory file next to it.
   */
  static Connection openReader(Path database, Duration busyTimeout, boolean immutable)
      throws SQLException {
    if (!Files.isRegularFile(database)) {
      throw new SQLException("no ledger database at " + database);
    }
    SQLiteConfig config = common(busyTimeout);
    config.setReadOnly(true);
    if (!immutable) {
      return config.createConnection(url(database));
    }
    config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
    return config.createConnection(
        "jdbc:sqlite:file:" + database.toAbsolutePath() + "?mode=ro&immutable=1");
  }

  private static SQLiteConfig common(Duration busyTimeout) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) busyTimeout.toMillis());
    config.setGetGeneratedKeys(false);
    return config;
  }

  private static String url(Path database) {
    return "jdbc:sqlite:" + database.toAbsolutePath();
  }

  /** Creates the tables, or checks that an existing ledger matches the options. */
  static void prepare(Connection c, LedgerOptions options) throws SQLException {
    exec(c, "BEGIN IMMEDIATE");
    try {
      int version = userVersion(c);
      if (version > SCHEMA_VERSION) {
        throw incompatible(options, "its schema version " + version + " is newer than this code's");
      }
      if (version == 1) {
        migrateNodesFromVersion1(c);
      }
      for (String ddl : SCHEMA) {
        exec(c, ddl);
      }
      if (version == 1) {
        copyNodesFromVersion1(c);
        exec(c, "PRAGMA user_version = " + SCHEMA_VERSION);
      }
      String origin = meta(c, "origin").orElse(null);
      String level = meta(c, "segment_level").orElse(null);
      if (origin == null) {
        putMeta(c, "origin", options.origin());
        putMeta(c, "segment_level", Integer.toString(options.segmentLevel()));
        exec(c, "PRAGMA user_version = " + SCHEMA_VERSION);
      } else {
        if (!origin.equals(options.origin())) {
          throw incompatible(options, "it was created for origin " + origin);
        }
        if (!level.equals(Integer.toString(options.segmentLevel()))) {
          throw incompatible(options, "it was created with segment level " + level);
        }
      }
      exec(c, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      exec(c, "ROLLBACK");
      throw e;
    }
  }

  /**
   * Version 1 kept nodes in a table keyed by (level, idx); its rows move to the new table by {@link
   * #copyNodesFromVersion1} in the same transaction. The old table's triggers go with it: the new
   * ones are created under the same names.
   */
  private static void migrateNodesFromVersion1(Connection c) throws SQLException {
    exec(c, "DROP TRIGGER IF EXISTS nodes_insert_only");
    exec(c, "DROP TRIGGER IF EXISTS nodes_archived_only");
    exec(c, "ALTER TABLE nodes RENAME TO nodes_v1");
  }

  private static void copyNodesFromVersion1(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT level, idx, hash FROM nodes_v1 ORDER BY level, idx");
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO nodes(pos, level, idx, hash) VALUES (?,?,?,?)")) {
      while (rs.next()) {
        int level = rs.getInt(1);
        long idx = rs.getLong(2);
        insert.setLong(1, PostOrder.position(level, idx));
        insert.setInt(2, level);
        insert.setLong(3, idx);
        insert.setBytes(4, rs.getBytes(3));
        insert.executeUpdate();
      }
    }
    exec(c, "DROP TABLE nodes_v1");
  }

  private static AuditException incompatible(LedgerOptions options, String why) {
    return new AuditException(
        AuditException.Code.INCOMPATIBLE,
        "the ledger " + options.database() + " cannot be opened with these options: " + why);
  }

  /** The number of entries: after the last stored one, or after the last archived one. */
  static long size(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT max(seq) FROM entries")) {
        rs.next();
        long max = rs.getLong(1);
        if (!rs.wasNull()) {
          return max + 1;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT max(first_seq + count) FROM segments")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The seq after the last archived entry; 0 when nothing is archived. */
  static long archivedEnd(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + ARCHIVED_END)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The time of the last entry in the database, if it has one that reads as a time. */
  static Optional<Instant> lastEntryTime(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT time FROM entries ORDER BY seq DESC LIMIT 1")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Instant.parse(rs.getString(1)));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /** The stored checkpoint of the largest size, its signature unchecked. */
  static Optional<Checkpoint> latestCheckpoint(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1")) {
      return rs.next()
          ? Optional.of(Checkpoint.parseUnverified(rs.getString(1)))
          : Optional.empty();
    }
  }

  static Optional<String> meta(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static void putMeta(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
