package io.vigil.audit;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A damaged ledger: the {@code DAMAGED} error, which names the file, what is wrong with it and what
 * to do, and SQLite's own check of the file.
 */
final class Damage {

  private static final Logger LOG = System.getLogger(Damage.class.getName());

  /** The event the gateway records last on a clean shutdown. */
  static final String CLEAN_STOP = "gateway.stopped";

  /** The event a {@code vigil} command that wrote to a stopped gateway's ledger ends with. */
  static final String COMMAND_FINISHED = "command.finished";

  /** The lines of {@code quick_check} that an error quotes. */
  private static final int QUOTED_LINES = 3;

  private Damage() {}

  static AuditException of(Path database, String what) {
    return of(database, what, null);
  }

  static AuditException of(Path database, String what, Throwable cause) {
    String message =
        "the ledger "
            + database
            + " is damaged: "
            + what
            + "; run 'vigil audit recover --data-dir "
            + SqliteErrors.folder(database)
            + "' to move the damaged ledger aside intact and start a new one that continues its"
            + " history";
    return cause == null
        ? new AuditException(AuditException.Code.DAMAGED, message)
        : new AuditException(AuditException.Code.DAMAGED, message, cause);
  }

  /**
   * The checks of an existing ledger before the writer opens it, on a read-only connection: a
   * writing connection that closes copies the WAL into the database, and a damaged ledger must stay
   * as it was found. The WAL must belong to the database; SQLite's {@code quick_check} must pass
   * unless the ledger ended cleanly; the newest entries must match their tree.
   */
  static void checkBeforeWriting(Path database, Duration busyTimeout, boolean walHasFrames)
      throws SQLException {
    try (Connection c = Sqlite.openReader(database, busyTimeout)) {
      if (walHasFrames) {
        checkWalBelongs(c, database);
      }
      quickCheckAtOpen(c, database, walHasFrames);
      if (Sqlite.userVersion(c) == Sqlite.SCHEMA_VERSION && Sqlite.meta(c, "origin").isPresent()) {
        TailCheck.run(c, database, Sqlite.size(c), Sqlite.latestCheckpoint(c).orElse(null));
      }
    } catch (SQLException e) {
      if (SqliteErrors.damaged(e)) {
        throw of(database, "SQLite reports " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * Runs SQLite's {@code quick_check} (every page of every table, O(size): about 0.1 to 0.2 s per
   * 100 MiB measured with a warm cache) at every open, a clean last stop included: a page can rot
   * on a disk while the box is off, and a damaged ledger must be refused before anything is written
   * to it.
   */
  private static void quickCheckAtOpen(Connection c, Path database, boolean walHasFrames)
      throws SQLException {
    boolean clean = !walHasFrames && endsWithCleanStop(c);
    long start = System.nanoTime();
    Optional<String> problem = quickCheck(c);
    if (problem.isPresent()) {
      throw of(database, "SQLite's quick_check reports " + problem.get());
    }
    LOG.log(
        Level.INFO,
        "the ledger "
            + database
            + (clean ? " stopped cleanly" : " did not stop cleanly")
            + "; SQLite's quick_check found it whole in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms");
  }

  private static boolean endsWithCleanStop(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entries'")) {
        if (!rs.next() || rs.getInt(1) == 0) {
          return true;
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT kind, ref FROM entries ORDER BY seq DESC LIMIT 1")) {
        return !rs.next()
            || (EntryCodec.EVENT.equals(rs.getString(1))
                && (CLEAN_STOP.equals(rs.getString(2))
                    || COMMAND_FINISHED.equals(rs.getString(2))));
      }
    }
  }

  /**
   * Refuses a write-ahead log that would replace the ledger rather than extend it: one that a
   * database of the same page size left, whose frames SQLite would lay over this database's pages.
   * The database file alone, read without its WAL, names the ledger's origin; what SQLite reads
   * with the WAL must be the same ledger. The meta table never changes once created, so the file
   * alone tells its origin even when a checkpoint was cut off halfway.
   */
  private static void checkWalBelongs(Connection combined, Path database) throws SQLException {
    Optional<String> alone = originOfFileAlone(database);
    if (alone.isEmpty()) {
      return;
    }
    Optional<String> seen;
    try {
      seen = Sqlite.meta(combined, "origin");
    } catch (SQLException e) {
      if (damaged(e)) {
        throw e;
      }
      seen = Optional.empty();
    }
    if (!seen.equals(alone)) {
      throw of(
          database,
          "its write-ahead log "
              + LedgerFiles.wal(database)
              + " would replace the ledger of origin "
              + alone.get()
              + " with "
              + seen.map(o -> "one of origin " + o).orElse("a database that is no ledger")
              + ": it belongs to another database");
    }
  }

  private static boolean damaged(SQLException e) {
    return SqliteErrors.damaged(e);
  }

  /** The origin in the database file read without its WAL; empty where that cannot tell. */
  private static Optional<String> originOfFileAlone(Path database) {
    try (ScratchCopy alone = ScratchCopy.of(database, false, false);
        Connection c = Sqlite.openReader(alone.database(), LedgerOptions.DEFAULT_BUSY_TIMEOUT)) {
      return Sqlite.meta(c, "origin");
    } catch (IOException | SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** What {@code PRAGMA quick_check} finds wrong, its first lines; empty when it says ok. */
  static Optional<String> quickCheck(Connection c) {
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
      while (rs.next() && lines.size() < QUOTED_LINES) {
        lines.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return Optional.of(SqliteErrors.message(e));
    }
    if (lines.size() == 1 && "ok".equals(lines.get(0))) {
      return Optional.empty();
    }
    return Optional.of(lines.isEmpty() ? "nothing" : String.join("; ", lines));
  }
}
