package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering is caught by verify, which names where. */
class TamperTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;
  private Checkpoint held;

  /** A ledger of 100 entries with checkpoints at 40, 80 and 100; the last one is held. */
  @BeforeEach
  void ledgerOf100EntriesWithCheckpoints() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 40);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 40);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 20);
      held = TestLedgers.checkpoint(ledger);
    }
    assertTrue(verify().ok(), verify().toString());
  }

  private VerifyReport verify() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      return reader.verify(KEY);
    }
  }

  private VerifyReport verifyWithHeld() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      return reader.verify(KEY, held);
    }
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = TestLedgers.attacker(dir);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static void assertFirstFailure(VerifyReport report, String subject, String reason) {
    assertFalse(report.ok(), "verify passed");
    VerifyReport.Failure first = report.firstFailure().orElseThrow();
    assertEquals(subject, first.subject(), report.failures().toString());
    assertTrue(first.reason().contains(reason), first.toString());
  }

  @Test
  void namesAnEntryWithOneChangedByte() throws SQLException {
    try (Connection c = TestLedgers.attacker(dir)) {
      byte[] bytes;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT canonical FROM entries WHERE seq = 17")) {
        rs.next();
        bytes = rs.getBytes(1);
      }
      String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      int at = text.indexOf("\"latency_us\":") + "\"latency_us\":".length();
      bytes[at] = (byte) (bytes[at] == '9' ? '8' : bytes[at] + 1);
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE entries SET canonical = ? WHERE seq = 17")) {
        ps.setBytes(1, bytes);
        ps.executeUpdate();
      }
    }

    assertFirstFailure(verify(), "entry 17", "do not hash to its leaf");
  }

  @Test
  void refusesToReadBackAnEntryWhoseBytesAreNoLongerAnEntry() throws SQLException {
    sql("UPDATE entries SET canonical = CAST('{\"v\":1}' AS BLOB) WHERE seq = 17");

    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      AuditException e = assertThrows(AuditException.class, () -> reader.entries(10, 20));

      assertEquals(AuditException.Code.CORRUPT, e.code());
      assertTrue(e.getMessage().contains("entry 17"), e.getMessage());
    }
  }

  @Test
  void namesADeletedEntry() throws SQLException {
    sql("DELETE FROM entries WHERE seq = 42");

    assertFirstFailure(verify(), "entry 42", "is missing");
  }

  @Test
  void namesSwappedEntries() throws SQLException {
    sql(
        "UPDATE entries SET seq = -1 WHERE seq = 30",
        "UPDATE entries SET seq = 30 WHERE seq = 31",
        "UPDATE entries SET seq = 31 WHERE seq = -1");

    assertFirstFailure(verify(), "entry 30", "moved or swapped");
  }

  @Test
  void namesTheLastCheckpointWhenTheTailIsCutOff() throws SQLException {
    sql("DELETE FROM entries WHERE seq >= 90", "DELETE FROM nodes WHERE ((idx + 1) << level) > 90");

    assertFirstFailure(
        verify(), "checkpoint at size 100", "covers 100 entries but the ledger holds only 90");
  }

  @Test
  void catchesACutTailWithTheCheckpointsTooAgainstTheHeldCheckpoint() throws SQLException {
    sql(
        "DELETE FROM entries WHERE seq >= 90",
        "DELETE FROM nodes WHERE ((idx + 1) << level) > 90",
        "DELETE FROM checkpoints WHERE size > 90");

    assertTrue(verify().ok(), "the ledger alone cannot tell");
    assertFirstFailure(
        verifyWithHeld(), "held checkpoint at size 100", "truncated or an older copy was restored");
  }

  @Test
  void catchesAnOlderCopyPutBackAgainstTheHeldCheckpoint() throws Exception {
    // given a copy of the database taken at 100 entries, and the ledger then grown to 130
    Path copy = dir.resolve("copy.db");
    Files.copy(dir.resolve("audit.db"), copy);
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 30);
      held = TestLedgers.checkpoint(ledger);
    }

    // when the old copy is put back
    Files.copy(copy, dir.resolve("audit.db"), StandardCopyOption.REPLACE_EXISTING);

    // then it verifies alone, but not against the checkpoint the manufacturer holds
    assertTrue(verify().ok());
    assertFirstFailure(verifyWithHeld(), "held checkpoint at size 130", "holds only 100");

    // and growing the old copy past the held size does not hide it: history differs
    try (Ledger ledger = TestLedgers.open(dir)) {
      for (int i = 0; i < 40; i++) {
        ledger.append(TestLedgers.event("admin.replayed")).join();
      }
      TestLedgers.checkpoint(ledger);
    }
    assertTrue(verify().ok());
    assertFirstFailure(verifyWithHeld(), "held checkpoint at size 130", "root differs");
  }

  @Test
  void namesACheckpointWithAForgedSignature() throws SQLException {
    String note;
    try (Connection c = TestLedgers.attacker(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT note FROM checkpoints WHERE size = 80")) {
      rs.next();
      note = rs.getString(1);
    }
    int sig = note.lastIndexOf(' ') + 10;
    char replaced = note.charAt(sig) == 'A' ? 'B' : 'A';
    String forged = note.substring(0, sig) + replaced + note.substring(sig + 1);
    try (Connection c = TestLedgers.attacker(dir);
        PreparedStatement ps =
            c.prepareStatement("UPDATE checkpoints SET note = ? WHERE size = 80")) {
      ps.setString(1, forged);
      ps.executeUpdate();
    }

    assertFirstFailure(verify(), "checkpoint at size 80", "does not verify");
  }

  @Test
  void namesACheckpointSignedByAnotherKey() throws SQLException {
    NoteSigner attacker = TestLedgers.signer(TestLedgers.ORIGIN, (byte) 9);
    Checkpoint original;
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      original = reader.latestCheckpoint().orElseThrow();
    }
    Checkpoint resigned =
        Checkpoint.sign(original.origin(), original.size(), original.root(), attacker);
    try (Connection c = TestLedgers.attacker(dir);
        PreparedStatement ps =
            c.prepareStatement("UPDATE checkpoints SET note = ? WHERE size = 100")) {
      ps.setString(1, resigned.note());
      ps.executeUpdate();
    }

    assertFirstFailure(verify(), "checkpoint at size 100", "no signature by");
  }

  @Test
  void namesAnAlteredSubtreeNode() throws SQLException {
    sql("UPDATE nodes SET hash = zeroblob(32) WHERE level = 3 AND idx = 2");

    assertFirstFailure(verify(), "node (level 3, index 2)", "not the hash of its children");
  }

  @Test
  void namesASubtreeNodeMovedToAnotherPosition() throws SQLException {
    sql("UPDATE nodes SET pos = pos + 1000000 WHERE level = 3 AND idx = 2");

    assertFirstFailure(verify(), "node (level 3, index 2)", "missing from the stored tree");
  }

  @Test
  void namesANodeWhoseLevelAndIndexDisagreeWithItsPosition() throws SQLException {
    sql("UPDATE nodes SET idx = 5 WHERE level = 3 AND idx = 2");

    assertFirstFailure(verify(), "node (level 3, index 5)", "is stored at position");
  }

  @Test
  void namesAnEntryWhoseQueryColumnDisagreesWithItsBytes() throws SQLException {
    sql("UPDATE entries SET ref = 'req-other' WHERE seq = 12");

    assertFirstFailure(verify(), "entry 12", "column ref");
  }

  @Test
  void catchesARewrittenHistoryWithARecomputedTree() throws Exception {
    // given an attacker who rewrites entry 5 and recomputes every node, but has no signing key
    try (Connection c = TestLedgers.attacker(dir)) {
      StoredEntry forged =
          new StoredEntry(
              5,
              java.time.Instant.parse("2026-03-01T08:00:00Z"),
              TestLedgers.event("admin.nothing"));
      byte[] bytes = EntryCodec.canonical(forged);
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE entries SET canonical = ?, time = ?, kind = 'event', ref = 'admin.nothing',"
                  + " model_id = NULL WHERE seq = 5")) {
        ps.setBytes(1, bytes);
        ps.setString(2, "2026-03-01T08:00:00.000000Z");
        ps.executeUpdate();
      }
      recomputeTree(c);
    }

    assertFirstFailure(verify(), "checkpoint at size 40", "root differs");
  }

  /** Rebuilds the nodes table from the entries, as an attacker with SQL access could. */
  private static void recomputeTree(Connection c) throws SQLException {
    Sqlite.exec(c, "DELETE FROM nodes");
    Frontier f = new Frontier();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT canonical FROM entries ORDER BY seq");
        PreparedStatement ins =
            c.prepareStatement("INSERT INTO nodes(pos, level, idx, hash) VALUES (?,?,?,?)")) {
      while (rs.next()) {
        f.append(
            Digests.leaf(rs.getBytes(1)),
            (level, index, hash) -> {
              try {
                ins.setLong(1, PostOrder.position(level, index));
                ins.setInt(2, level);
                ins.setLong(3, index);
                ins.setBytes(4, hash);
                ins.executeUpdate();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
      }
    }
  }
}
