package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil audit recover}: the damaged ledger moves aside byte for byte, and a new ledger
 * starts whose first entry names it and its last checkpoint that still verifies.
 */
class LedgerRecoveryTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;
  private Path database;
  private final Map<Long, Checkpoint> checkpoints = new TreeMap<>();

  /** 100 entries with checkpoints at 40, 80 and 100; entries 0 to 31 archived in four segments. */
  @BeforeEach
  void ledgerOf100EntriesPartlyArchived() {
    database = dir.resolve("audit.db");
    try (Ledger ledger = TestLedgers.open(dir)) {
      for (int n : new int[] {40, 40, 20}) {
        TestLedgers.append(ledger, n);
        Checkpoint c = TestLedgers.checkpoint(ledger);
        checkpoints.put(c.size(), c);
      }
      assertEquals(4, ledger.archive(32).size());
    }
  }

  /** Every file of the ledger, by its path relative to the data directory, with its SHA-256. */
  private Map<String, String> ledgerFiles(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(p).toString();
        if (name.startsWith("audit.db") && !name.endsWith(".lock")) {
          files.put(name, Digests.file(p));
        }
      }
    }
    return files;
  }

  private LedgerRecovery.Result recover() {
    return LedgerRecovery.recover(
        TestLedgers.options(dir), TestLedgers.signer(), TestLedgers.tickingClock(), "alice");
  }

  private static JsonNode details(StoredEntry entry) {
    EventEntry e = assertInstanceOf(EventEntry.class, entry.entry());
    assertEquals(LedgerRecovery.CONTINUED, e.type());
    assertEquals("alice", e.actor());
    return CanonicalJson.parse(e.details());
  }

  @Test
  void movesAGarbledLedgerAsideIntactAndContinuesFromItsLastVerifiedCheckpoint() throws Exception {
    // given a page holding entries between the checkpoints at 40 and 80 is garbled
    Damages.garblePageHolding(database, "\"request_id\":\"req-60\"");
    assertEquals(
        AuditException.Code.DAMAGED,
        assertThrows(AuditException.class, () -> TestLedgers.open(dir).close()).code());
    Map<String, String> before = ledgerFiles(dir);
    assertTrue(
        before.containsKey("audit.db.segments/segment-00000003.jsonl.gz"), before.toString());

    // when it is recovered
    LedgerRecovery.Result result = recover();

    // then every file moved into one folder next to it, byte for byte, and is named with its hash
    Path folder = result.folder();
    assertEquals(dir, folder.getParent());
    assertTrue(
        folder.getFileName().toString().startsWith("ledger-damaged-2026"), folder.toString());
    assertEquals(before, ledgerFiles(folder));
    assertEquals(before, new TreeMap<>(result.files()));
    assertFalse(Files.exists(LedgerOptions.defaultSegmentDirectory(database)));

    // and the last checkpoint that still verifies is the one at 40: entries past 58 are unreadable
    assertEquals(checkpoints.get(40L), result.lastVerified().orElseThrow());

    // and the new ledger's first entry names the old folder, its files and that checkpoint
    try (LedgerReader reader = LedgerReader.open(database)) {
      assertEquals(0, result.continued().seq());
      List<StoredEntry> entries = reader.entries(0, reader.size());
      JsonNode details = details(entries.get(0));
      assertEquals(folder.getFileName().toString(), details.get("previous_ledger").asText());
      assertEquals(before.get("audit.db"), details.get("files").get("audit.db").asText());
      assertEquals(before.size(), details.get("files").size());
      JsonNode last = details.get("last_verified_checkpoint");
      Checkpoint at40 = checkpoints.get(40L);
      assertEquals(TestLedgers.ORIGIN, last.get("origin").asText());
      assertEquals(40, last.get("size").asLong());
      assertEquals(at40.root().base64(), last.get("root").asText());
      assertEquals(at40, Checkpoint.open(last.get("note").asText(), KEY));

      // and the new ledger holds, signed
      VerifyReport report = reader.verify(KEY);
      assertTrue(report.ok(), report.toString());
      assertEquals(1, reader.latestCheckpoint().orElseThrow().size());
    }

    // and the gateway opens it and goes on recording
    try (Ledger ledger = TestLedgers.open(dir)) {
      assertEquals(1, ledger.append(TestLedgers.prediction(1)).join().seq());
    }
  }

  @Test
  void movesAForeignWriteAheadLogAsideWithoutReplayingIt() throws Exception {
    // given a WAL of another database next to an intact ledger
    Path wal = LedgerFiles.wal(database);
    Damages.foreignWal(dir, 8192, wal);
    String walBefore = Digests.file(wal);

    // when it is recovered
    LedgerRecovery.Result result = recover();

    // then the WAL moved intact, and the ledger's own latest checkpoint verifies (read without it)
    assertEquals(walBefore, result.files().get("audit.db-wal"));
    assertEquals(walBefore, Digests.file(result.folder().resolve("audit.db-wal")));
    assertEquals(checkpoints.get(100L), result.lastVerified().orElseThrow());
    try (LedgerReader reader = LedgerReader.open(database)) {
      JsonNode details = details(reader.entries(0, 1).get(0));
      assertEquals(100, details.get("last_verified_checkpoint").get("size").asLong());
    }
  }

  @Test
  void namesNoCheckpointWhenNoneVerifies() throws Exception {
    // given a page holding the first entries still in the database is garbled
    Damages.garblePageHolding(database, "\"request_id\":\"req-33\"");

    LedgerRecovery.Result result = recover();

    assertEquals(java.util.Optional.empty(), result.lastVerified());
    try (LedgerReader reader = LedgerReader.open(database)) {
      assertTrue(details(reader.entries(0, 1).get(0)).get("last_verified_checkpoint").isNull());
    }
  }

  @Test
  void refusesToMoveALedgerThatAWriterHasOpen() throws Exception {
    Map<String, String> before = ledgerFiles(dir);
    try (Ledger ledger = TestLedgers.open(dir)) {
      AuditException e = assertThrows(AuditException.class, this::recover);
      assertEquals(AuditException.Code.IN_USE, e.code());
      assertTrue(ledger.healthy());
    }
    assertEquals(before.keySet(), ledgerFiles(dir).keySet());
    try (Stream<Path> listing = Files.list(dir)) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith("ledger-damaged-")));
    }
  }
}
