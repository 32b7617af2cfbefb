package io.vigil.sync.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The outbox's SQLite file: one connection, WAL with {@code synchronous=FULL}.
 *
 * <p>Tables: {@code messages} (the unsent rows, keyed by sequence number) and {@code counter} (one
 * row: the next sequence number and the rows ever dropped). The counter is written in the same
 * transaction as the rows it numbers, so that a number is never handed out twice, even after every
 * row was sent and deleted, a restart or a kill -9.
 */
final class OutboxDb {

  static final int SCHEMA_VERSION = 1;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS counter(
      id INTEGER PRIMARY KEY CHECK (id = 0),
      next_seq INTEGER NOT NULL CHECK (next_seq >= 1),
      dropped_total INTEGER NOT NULL)""",
    """
    CREATE TABLE IF NOT EXISTS messages(
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      topic_suffix TEXT NOT NULL,
      priority TEXT NOT NULL CHECK (priority IN ('safety', 'routine')),
      created_at INTEGER NOT NULL,
      payload BLOB NOT NULL)""",
    // The full-outbox policy looks for the oldest routine rows of one kind.
    "CREATE INDEX IF NOT EXISTS messages_droppable ON messages(priority, kind, seq)",
    "INSERT OR IGNORE INTO counter(id, next_seq, dropped_total) VALUES (0, 1, 0)",
    // A bug cannot hand out a number twice: the counter only moves forward.
    """
    CREATE TRIGGER IF NOT EXISTS counter_forward BEFORE UPDATE ON counter
    WHEN NEW.next_seq < OLD.next_seq OR NEW.dropped_total < OLD.dropped_total
    BEGIN SELECT RAISE(ABORT, 'the outbox counter only moves forward'); END""",
    """
    CREATE TRIGGER IF NOT EXISTS messages_numbered BEFORE INSERT ON messages
    WHEN NEW.seq < (SELECT next_seq FROM counter WHERE id = 0)
    BEGIN SELECT RAISE(ABORT, 'an outbox sequence number was reused'); END"""
  };

  private OutboxDb() {}

  static Connection open(OutboxOptions options) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    // 20-40% of an insert's cost otherwise (sqlite-jdbc issue 1135); the outbox numbers rows
    // itself.
    config.setGetGeneratedKeys(false);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // An acknowledged safety event must survive a power cut: FULL syncs the WAL on every commit.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    Connection c = config.createConnection("jdbc:sqlite:" + options.database());
    try {
      prepare(c, options);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static void prepare(Connection c, OutboxOptions options) throws SQLException {
    exec(c, "BEGIN IMMEDIATE");
    try {
      int version;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > SCHEMA_VERSION) {
        throw new OutboxException(
            OutboxException.Code.INCOMPATIBLE,
            "the outbox "
                + options.database()
                + " has schema version "
                + version
                + ", newer than this code's "
                + SCHEMA_VERSION);
      }
      for (String ddl : SCHEMA) {
        exec(c, ddl);
      }
      exec(c, "PRAGMA user_version = " + SCHEMA_VERSION);
      exec(c, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      exec(c, "ROLLBACK");
      throw e;
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
