package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationTest {

  @TempDir Path dir;

  @Test
  void aVersion1LedgerIsMigratedWhenOpenedAndStaysVerifiable() throws Exception {
    // given a ledger of 100 entries whose nodes are laid out as schema version 1 had them
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 100);
      TestLedgers.checkpoint(ledger);
    }
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER nodes_insert_only");
      s.execute("DROP TRIGGER nodes_archived_only");
      s.execute(
          "CREATE TABLE nodes_old(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
              + " hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID");
      s.execute("INSERT INTO nodes_old SELECT level, idx, hash FROM nodes");
      s.execute("DROP TABLE nodes");
      s.execute("ALTER TABLE nodes_old RENAME TO nodes");
      s.execute(
          "CREATE TRIGGER nodes_insert_only BEFORE UPDATE ON nodes"
              + " BEGIN SELECT RAISE(ABORT, 'the ledger is insert-only (nodes_insert_only)'); END");
      s.execute("PRAGMA user_version = 1");
    }

    // when the writer opens it and appends more
    try (Ledger ledger = TestLedgers.open(dir)) {
      assertEquals(100, ledger.size());
      TestLedgers.append(ledger, 50);
      TestLedgers.checkpoint(ledger);
    }

    // then it is version 2, keyed by position, guarded again, and verifies whole
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement()) {
      assertEquals(2, intOf(s, "PRAGMA user_version"));
      assertEquals(0, intOf(s, "SELECT count(*) FROM sqlite_master WHERE name = 'nodes_v1'"));
      assertEquals(
          1, intOf(s, "SELECT count(*) FROM pragma_table_info('nodes') WHERE name = 'pos'"));
      SQLException e =
          assertThrows(SQLException.class, () -> s.execute("UPDATE nodes SET hash = zeroblob(32)"));
      assertTrue(e.getMessage().contains("insert-only"), e.getMessage());
    }
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      VerifyReport report = reader.verify(TestLedgers.signer().verifierKey());
      assertTrue(report.ok(), report.toString());
      assertEquals(150, reader.size());
    }
  }

  private static int intOf(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
