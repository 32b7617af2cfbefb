package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerRefTest {

  private static final int BLOCK = RefBlocks.ENTRIES;
  // Entries with a ref of their own (multiples of 5): in the first block, in the second, and
  // just past the second (the open block of a ledger of 2.5 blocks).
  private static final long EARLY = 100;
  private static final long MIDDLE = (BLOCK * 3 / 2 + 4) / 5 * 5;
  private static final long LATE = (BLOCK * 2 + 4) / 5 * 5;

  @TempDir Path dir;

  @Test
  void findsAPredictionByItsRequestIdAndEventsByTheirType() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      // given predictions and events
      TestLedgers.append(ledger, 20);
      ledger.append(TestLedgers.event("outcome.recorded")).join();
      ledger.append(TestLedgers.event("gateway.started")).join();
      ledger.append(TestLedgers.event("outcome.recorded")).join();

      try (LedgerReader reader = ledger.openReader()) {
        // when they are looked up by ref
        List<StoredEntry> prediction = reader.byRef("req-7");
        List<StoredEntry> outcomes = reader.byRef("outcome.recorded");

        // then the one prediction and both events, oldest first
        assertEquals(1, prediction.size());
        assertEquals(7, prediction.get(0).seq());
        assertEquals("req-7", ((PredictionEntry) prediction.get(0).entry()).requestId());
        assertEquals(List.of(20L, 22L), outcomes.stream().map(StoredEntry::seq).toList());
        assertEquals(List.of(), reader.byRef("req-unknown"));
      }
    }
  }

  @Test
  void findsEveryEntryOfARefInStoredBlocksAndInTheOpenOneAcrossARestart() throws Exception {
    // given 2.5 blocks of entries whose refs repeat (as a device's own ids may), written by two
    // writers: the second starts in the middle of a block and must read its open part back
    try (Ledger ledger = TestLedgers.open(dir)) {
      appendWithRefs(ledger, 0, BLOCK + BLOCK / 2);
    }
    try (Ledger ledger = TestLedgers.open(dir)) {
      appendWithRefs(ledger, BLOCK + BLOCK / 2, BLOCK * 5 / 2);

      // then the complete blocks are stored, and the open part is not
      assertEquals(2, count("SELECT count(*) FROM ref_blocks"));
      try (LedgerReader reader = ledger.openReader()) {
        Map<String, List<StoredEntry>> found =
            reader.byRefs(
                List.of(
                    "dev-3",
                    "dev-96",
                    "once-" + LATE,
                    "once-" + MIDDLE,
                    "once-" + EARLY,
                    "dev-unknown"));
        // each repeated ref at every one of its seqs, in order, from blocks and the open part
        List<Long> dev3 =
            LongStream.range(0, BLOCK * 5 / 2)
                .filter(s -> s % 5 != 0 && s % 97 == 3)
                .boxed()
                .toList();
        assertEquals(dev3, seqs(found.get("dev-3")));
        assertEquals(
            LongStream.range(0, BLOCK * 5 / 2)
                .filter(s -> s % 5 != 0 && s % 97 == 96)
                .boxed()
                .toList(),
            seqs(found.get("dev-96")));
        assertEquals(List.of(LATE), seqs(found.get("once-" + LATE)));
        assertEquals(List.of(MIDDLE), seqs(found.get("once-" + MIDDLE)));
        assertEquals(List.of(EARLY), seqs(found.get("once-" + EARLY)));
        assertEquals(List.of(), found.get("dev-unknown"));
        for (StoredEntry e : found.get("dev-3")) {
          assertEquals("dev-3", ((PredictionEntry) e.entry()).requestId());
        }
      }
    }
  }

  @Test
  void aLedgerWithoutItsRefBlocksGainsThemWhenOpenedAndAnOldRefIndexIsDropped() throws Exception {
    // given a ledger whose ref blocks are gone (as one written before they existed) and which
    // carries the ref index of issue 18's first builds
    try (Ledger ledger = TestLedgers.open(dir)) {
      appendWithRefs(ledger, 0, BLOCK * 2 + 10);
    }
    try (Connection c = TestLedgers.attacker(dir);
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM ref_blocks");
      s.execute("CREATE INDEX entries_ref ON entries(ref)");
    }

    // when it is opened again
    try (Ledger ledger = TestLedgers.open(dir)) {
      // then the blocks are back, the index is gone, and lookups and verification still hold
      assertEquals(2, count("SELECT count(*) FROM ref_blocks"));
      assertEquals(0, count("SELECT count(*) FROM sqlite_master WHERE name = 'entries_ref'"));
      try (LedgerReader reader = ledger.openReader()) {
        assertTrue(reader.verify(TestLedgers.signer().verifierKey()).ok());
        assertEquals(List.of(MIDDLE), seqs(reader.byRef("once-" + MIDDLE)));
        assertEquals(List.of(LATE), seqs(reader.byRef("once-" + LATE)));
        assertEquals(
            LongStream.range(0, BLOCK * 2 + 10)
                .filter(s -> s % 5 != 0 && s % 97 == 0)
                .boxed()
                .toList(),
            seqs(reader.byRef("dev-0")));
      }
    }
  }

  @Test
  void archivingDropsTheBlocksOfArchivedEntriesAndTheirRefsAreNoLongerFound() throws Exception {
    // given two blocks and a bit, the first block archived
    try (Ledger ledger = TestLedgers.open(dir)) {
      appendWithRefs(ledger, 0, BLOCK * 2 + 10);
      TestLedgers.checkpoint(ledger);
      ledger.archive(BLOCK);

      // then the first block's row is gone, its entries are not found, and later ones are
      assertEquals(1, count("SELECT count(*) FROM ref_blocks"));
      try (LedgerReader reader = ledger.openReader()) {
        assertEquals(List.of(), reader.byRef("once-" + EARLY));
        assertEquals(List.of(MIDDLE), seqs(reader.byRef("once-" + MIDDLE)));
        assertEquals(
            LongStream.range(BLOCK, BLOCK * 2 + 10)
                .filter(s -> s % 5 != 0 && s % 97 == 5)
                .boxed()
                .toList(),
            seqs(reader.byRef("dev-5")));
      }
    }
  }

  @Test
  void theHashIsFnv1aOverTheRefsCharacters() {
    // stored in every block, so it must never change: FNV-1a's published value for "a", and one
    // character outside Latin-1
    assertEquals(0xE40C292C, RefBlocks.hash("a"));
    assertEquals(0x811C9DC5, RefBlocks.hash(""));
    assertEquals((0x811C9DC5 ^ 0x00E9) * 0x01000193, RefBlocks.hash("\u00E9"));
  }

  /** Entries from..to-1: every fifth with a ref of its own, the others one of 97 repeated. */
  private static void appendWithRefs(Ledger ledger, long from, long to) {
    List<CompletableFuture<Receipt>> futures = new ArrayList<>();
    for (long n = from; n < to; n++) {
      String ref = n % 5 == 0 ? "once-" + n : "dev-" + n % 97;
      futures.add(ledger.append(withRef(TestLedgers.prediction(n), ref)));
    }
    for (int i = 0; i < futures.size(); i++) {
      assertEquals(from + i, futures.get(i).join().seq());
    }
  }

  private static PredictionEntry withRef(PredictionEntry p, String ref) {
    return new PredictionEntry(
        ref,
        p.deviceId(),
        p.modelId(),
        p.modelVersion(),
        p.bundleSha256(),
        p.inputDigest(),
        p.inputs(),
        p.outputs(),
        p.latencyMicros(),
        p.safetyState(),
        p.flags());
  }

  private static List<Long> seqs(List<StoredEntry> entries) {
    return entries.stream().map(StoredEntry::seq).toList();
  }

  private long count(String sql) throws SQLException {
    return TestLedgers.count(dir, sql);
  }
}
