package io.vigil.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A damaged ledger: the {@code DAMAGED} error, which names the file, what is wrong with it and what
 * to do, and SQLite's own check of the file.
 */
final class Damage {

  /** The event the gateway records last on a clean shutdown. */
  static final String CLEAN_STOP = "gateway.stopped";

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
   * Runs SQLite's {@code quick_check} (every page of every table, O(size)) unless the ledger ended
   * with a clean stop and left no write-ahead log behind, the one case in which nothing can have
   * been half written.
   */
  static void checkUnlessCleanlyStopped(Connection c, Path database, boolean walHasFrames)
      throws SQLException {
    if (!walHasFrames && endsWithCleanStop(c)) {
      return;
    }
    Optional<String> problem = quickCheck(c);
    if (problem.isPresent()) {
      throw of(database, "SQLite's quick_check reports " + problem.get());
    }
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
            || (EntryCodec.EVENT.equals(rs.getString(1)) && CLEAN_STOP.equals(rs.getString(2)));
      }
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
