package io.vigil.gateway.doctor;

import io.vigil.audit.AuditException;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.VerifierKey;
import io.vigil.audit.VerifyReport;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.trust.TrustException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The ledger's integrity: SQLite's {@code PRAGMA quick_check} on a read-only connection that gives
 * up at once rather than wait on a writing gateway, the ledger's own check of its files and of its
 * newest entries against their tree (what the writer checks when it opens it), and with {@code
 * --full} the whole verification of {@code vigil audit verify} instead.
 */
final class LedgerCheck implements Check {

  static final String NAME = "ledger";

  /** How long quick_check waits on a lock: a running gateway must not notice it. */
  static final int BUSY_TIMEOUT_MILLIS = 200;

  @Override
  public List<Finding> run(Installation in) {
    Path db = in.database();
    if (!Files.isRegularFile(db)) {
      return List.of(Finding.ok(NAME, "no ledger yet at " + db + ": vigil serve creates it"));
    }
    String recover =
        "run: systemctl stop vigil && vigil audit recover --data-dir "
            + in.dataDir()
            + " (moves it aside intact)";
    List<Finding> out = new ArrayList<>();
    out.add(quickCheck(db, recover));
    try (LedgerReader reader = LedgerReader.openUntouched(db)) {
      long size = reader.size();
      if (!in.full()) {
        reader.checkTail();
        out.add(
            Finding.ok(
                NAME,
                db
                    + ": "
                    + size
                    + " entries, the newest match their tree and latest checkpoint"
                    + " (every entry: vigil doctor --full)"));
      } else {
        VerifierKey key = Ledgers.verifierKey(in.dataDir(), reader.origin());
        VerifyReport report = reader.verify(key);
        out.add(
            report.ok()
                ? Finding.ok(NAME, db + ": all " + size + " entries and checkpoints verify")
                : Finding.fail(
                    NAME,
                    db + " does not verify: " + report.firstFailure().orElseThrow(),
                    recover));
      }
    } catch (AuditException e) {
      out.add(
          e.code() == AuditException.Code.DAMAGED || e.code() == AuditException.Code.CORRUPT
              ? Finding.fail(NAME, e.getMessage(), recover)
              : Finding.warn(NAME, db + " cannot be read: " + e.getMessage(), "run: ls -l " + db));
    } catch (TrustException e) {
      out.add(
          Finding.warn(
              NAME,
              "cannot verify without the public identity key: " + e.getMessage(),
              "see the keys check above"));
    }
    return out;
  }

  static Finding quickCheck(Path db, String recover) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
    try (Connection c = config.createConnection(url(db));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA quick_check")) {
      List<String> problems = new ArrayList<>();
      while (r.next()) {
        problems.add(r.getString(1));
      }
      if (problems.equals(List.of("ok"))) {
        return Finding.ok(NAME, db + ": SQLite quick_check ok");
      }
      return Finding.fail(
          NAME,
          db
              + ": SQLite quick_check found "
              + problems.size()
              + " problem(s), the first: "
              + problems.get(0),
          recover);
    } catch (SQLException e) {
      String why = String.valueOf(e.getMessage());
      if (why.contains("SQLITE_BUSY") || why.contains("locked")) {
        return Finding.warn(
            NAME, db + ": busy, not checked (" + why + ")", "run vigil doctor again");
      }
      return Finding.fail(NAME, db + ": SQLite cannot read it: " + why, recover);
    }
  }

  /**
   * A read-only URI; without a write-ahead log (no gateway has it open) also {@code immutable}, so
   * that SQLite creates no {@code -wal} or {@code -shm} file, which a check run as root would leave
   * owned by root where the service must write.
   */
  private static String url(Path db) {
    boolean wal = Files.exists(db.resolveSibling(db.getFileName() + "-wal"));
    return "jdbc:sqlite:file:" + db.toAbsolutePath() + "?mode=ro" + (wal ? "" : "&immutable=1");
  }
}
