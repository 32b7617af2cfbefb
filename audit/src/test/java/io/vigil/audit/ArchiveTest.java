package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.canonical.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments of 2^3 = 8 entries, so that 50 entries make 6 whole segments. */
class ArchiveTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;
  private final List<InclusionProof> before = new ArrayList<>();
  private List<Segment> segments;

  @BeforeEach
  void ledgerOf50EntriesWithTheFirst48Archived() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 50);
      TestLedgers.checkpoint(ledger);
      try (LedgerReader reader = ledger.openReader()) {
        for (int seq = 0; seq < 50; seq++) {
          before.add(reader.inclusionProof(seq, 50));
        }
      }
      segments = ledger.archive(Long.MAX_VALUE);
    }
  }

  private VerifyReport verify() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      return reader.verify(KEY);
    }
  }

  private long count(String sql) throws SQLException {
    return TestLedgers.count(dir, sql);
  }

  @Test
  void movesWholeSegmentsOutOfTheDatabaseAndStillVerifies() throws SQLException {
    assertEquals(6, segments.size());
    assertEquals(40, segments.get(5).firstSeq());
    assertEquals(2, count("SELECT count(*) FROM entries"));
    assertEquals(0, count("SELECT count(*) FROM nodes WHERE level < 3 AND (idx << level) < 48"));
    assertEquals(6, count("SELECT count(*) FROM nodes WHERE level = 3"));

    VerifyReport report = verify();

    assertTrue(report.ok(), report.toString());
    assertEquals(50, report.size());
    assertEquals(50, report.entries());
    assertEquals(6, report.segments());
  }

  @Test
  void provesArchivedEntriesAsBefore() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      for (int seq = 0; seq < 50; seq++) {
        assertEquals(before.get(seq), reader.inclusionProof(seq, 50), "entry " + seq);
      }
      EntryProof proof = EntryProof.check(reader.prove(3).toJson(), KEY);
      assertEquals(TestLedgers.prediction(3), proof.entry().orElseThrow().entry());
      ConsistencyProof consistency = reader.consistencyProof(13, 50);
      consistency.check(reader.root(13), reader.root(50));
    }
  }

  @Test
  void readsArchivedEntriesWithTheirInputs() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      List<StoredEntry> entries = reader.entries(5, 45);

      assertEquals(40, entries.size());
      for (int i = 0; i < 40; i++) {
        assertEquals(5 + i, entries.get(i).seq());
        assertEquals(TestLedgers.prediction(5 + i), entries.get(i).entry());
      }
    }
  }

  @Test
  void continuesAfterARestartAndArchivesTheNextSegment() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      assertEquals(50, ledger.size());
      List<Receipt> more = TestLedgers.append(ledger, 10);
      assertEquals(50, more.get(0).seq());
      TestLedgers.checkpoint(ledger);
      List<Segment> next = ledger.archive(Long.MAX_VALUE);
      assertEquals(1, next.size());
      assertEquals(6, next.get(0).index());
    }
    assertTrue(verify().ok(), verify().toString());
  }

  @Test
  void namesAMissingSegment() throws IOException {
    Files.delete(dir.resolve("audit.db.segments").resolve(segments.get(1).file()));

    VerifyReport report = verify();

    assertFalse(report.ok());
    assertEquals(segments.get(1).toString(), report.firstFailure().orElseThrow().subject());
    assertTrue(report.firstFailure().orElseThrow().reason().contains("missing"));
  }

  @Test
  void namesAnAlteredSegment() throws IOException {
    Path file = dir.resolve("audit.db.segments").resolve(segments.get(2).file());
    rewrite(file, text -> text.replace("\"latency_us\":867", "\"latency_us\":868"));

    VerifyReport report = verify();

    assertFalse(report.ok());
    assertEquals(segments.get(2).toString(), report.firstFailure().orElseThrow().subject());
    assertTrue(report.firstFailure().orElseThrow().reason().contains("SHA-256"));
  }

  @Test
  void namesTheEntryOfASegmentAlteredWithItsDigestUpdated() throws Exception {
    // given an attacker who alters an entry in segment 2 and records the new file digest
    Path file = dir.resolve("audit.db.segments").resolve(segments.get(2).file());
    rewrite(file, text -> text.replace("\"req-17\"", "\"req-71\""));
    String sha;
    try (InputStream in = Files.newInputStream(file)) {
      sha = java.util.HexFormat.of().formatHex(Sha256.of(in.readAllBytes()));
    }
    try (Connection c = TestLedgers.attacker(dir);
        Statement s = c.createStatement()) {
      s.execute("UPDATE segments SET sha256 = '" + sha + "' WHERE idx = 2");
    }

    VerifyReport report = verify();

    assertFalse(report.ok());
    assertEquals(segments.get(2).toString(), report.firstFailure().orElseThrow().subject());
    assertTrue(
        report.firstFailure().orElseThrow().reason().contains("do not hash"), report.toString());
  }

  @Test
  void refusesToReadEntriesFromASegmentWhoseHeaderIsDamaged() throws IOException {
    Path file = dir.resolve("audit.db.segments").resolve(segments.get(1).file());
    rewrite(file, text -> text.replace("vigil-ledger-segment/1", "vigil-ledger-segment/0"));

    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      AuditException e = assertThrows(AuditException.class, () -> reader.entries(8, 16));

      assertEquals(AuditException.Code.READ_FAILED, e.code());
      assertTrue(e.getMessage().contains("not a vigil-ledger-segment/1 file"), e.getMessage());
    }
  }

  @Test
  void refusesToOpenALedgerWhoseSegmentLevelIsNotANumber() throws SQLException {
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement()) {
      s.execute("UPDATE meta SET value = 'three' WHERE key = 'segment_level'");
    }

    AuditException e =
        assertThrows(AuditException.class, () -> LedgerReader.open(dir.resolve("audit.db")));

    assertEquals(AuditException.Code.READ_FAILED, e.code());
    assertTrue(e.getMessage().contains("segment level is not a number"), e.getMessage());
  }

  private static void rewrite(Path file, java.util.function.UnaryOperator<String> change)
      throws IOException {
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String changed = change.apply(text);
    assertFalse(changed.equals(text), "the change must apply");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(changed.getBytes(StandardCharsets.UTF_8));
    }
    Files.write(file, bytes.toByteArray());
  }
}
