package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

  @TempDir Path dir;

  @Test
  void groupsConcurrentAppendsIntoFewTransactionsWithGapFreeSeqs() throws Exception {
    // given 16 threads that each append 500 entries without waiting, with the default durability
    int threads = 16;
    int perThread = 500;
    List<Receipt> receipts = new ArrayList<>();
    LedgerOptions full = TestLedgers.options(dir).withDurability(Durability.FULL);
    try (Ledger ledger = Ledger.open(full, TestLedgers.signer(), TestLedgers.tickingClock())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<CompletableFuture<Receipt>>>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * perThread;
        work.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<Receipt>> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(ledger.append(TestLedgers.prediction(offset + i)));
                  }
                  return mine;
                }));
      }
      // when every future completes
      for (Future<List<CompletableFuture<Receipt>>> w : work) {
        for (CompletableFuture<Receipt> f : w.get()) {
          receipts.add(f.join());
        }
      }
      pool.shutdown();

      // then the seqs are exactly 0..7999 and far fewer transactions than entries committed
      long entries = (long) threads * perThread;
      assertEquals(
          LongStream.range(0, entries).boxed().toList(),
          receipts.stream().map(Receipt::seq).sorted().toList());
      assertEquals(entries, ledger.size());
      assertTrue(ledger.commits() < entries / 10, "commits: " + ledger.commits());
      assertTrue(ledger.healthy());
    }
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      assertTrue(reader.verify(TestLedgers.signer().verifierKey()).ok());
    }
  }

  @Test
  void completesAnAppendOnlyOnceItsEntryIsInTheDatabase() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir);
        Connection c = TestLedgers.jdbc(dir)) {
      Receipt r = ledger.append(TestLedgers.event("gateway.started")).join();

      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT kind, ref FROM entries WHERE seq = " + r.seq())) {
        assertTrue(rs.next());
        assertEquals("event", rs.getString(1));
        assertEquals("gateway.started", rs.getString(2));
      }
      assertEquals(0, r.seq());
    }
  }

  @Test
  void continuesTreeSeqsAndCheckpointsAfterARestart() {
    Checkpoint first;
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 300);
      first = TestLedgers.checkpoint(ledger);
    }
    Checkpoint second;
    try (Ledger ledger = TestLedgers.open(dir)) {
      assertEquals(300, ledger.size());
      assertEquals(first, ledger.latestCheckpoint().orElseThrow());
      List<Receipt> more = TestLedgers.append(ledger, 200);
      assertEquals(300, more.get(0).seq());
      assertEquals(499, more.get(199).seq());
      ledger.append(TestLedgers.event("gateway.stopped")).join();
    }
    try (Ledger ledger = TestLedgers.open(dir)) {
      // close signed a last checkpoint over everything
      second = ledger.latestCheckpoint().orElseThrow();
      assertEquals(501, second.size());
    }
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      VerifierKey key = TestLedgers.signer().verifierKey();
      assertTrue(reader.verify(key, first).ok(), () -> reader.verify(key).toString());
      reader.consistencyProof(300, 501).check(first.note(), second.note(), key);
      assertEquals(second.root(), reader.root(501));
    }
  }

  @Test
  void signsACheckpointEveryNEntries() {
    LedgerOptions options = TestLedgers.options(dir).withCheckpointEveryEntries(10);
    try (Ledger ledger = Ledger.open(options, TestLedgers.signer(), TestLedgers.tickingClock())) {
      for (int i = 0; i < 25; i++) {
        ledger.append(TestLedgers.prediction(i)).join();
      }
      assertEquals(20, ledger.latestCheckpoint().orElseThrow().size());
    }
  }

  @Test
  void signsNoCheckpointBeforeTheIntervalHasPassed() {
    // given a ledger that signs a checkpoint every minute, on a time that only the test moves
    TestLedgers.ManualNanoTime time = new TestLedgers.ManualNanoTime();
    try (Ledger ledger = TestLedgers.open(everyMinute(), time)) {
      // when entries arrive a second before the minute is up
      time.advance(Duration.ofSeconds(59));
      TestLedgers.append(ledger, 5);

      // then none is signed
      assertEquals(Optional.empty(), ledger.latestCheckpoint());
    }
  }

  @Test
  void signsACheckpointAfterTheFirstEntryOnceTheIntervalHasPassed() {
    TestLedgers.ManualNanoTime time = new TestLedgers.ManualNanoTime();
    try (Ledger ledger = TestLedgers.open(everyMinute(), time)) {
      // given 5 entries and a checkpoint over them, from which the interval runs
      TestLedgers.append(ledger, 5);
      TestLedgers.checkpoint(ledger);

      // when the minute passes and two entries arrive, one after the other
      // (The writer completes appends before it looks at the schedule: time moves only while it
      // has nothing to sign, and the second append returns only after that look at the first.)
      time.advance(Duration.ofMinutes(1));
      TestLedgers.append(ledger, 1);
      TestLedgers.append(ledger, 1);

      // then the writer signed a checkpoint right after the first, and none after the second
      assertEquals(6, ledger.latestCheckpoint().orElseThrow().size());
      assertTrue(ledger.healthy());
    }
  }

  /** Test options with a checkpoint every minute and none by count. */
  private LedgerOptions everyMinute() {
    return TestLedgers.options(dir).withCheckpointInterval(Duration.ofMinutes(1));
  }

  @Test
  void readersDoNotBlockTheWriter() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 10);
      try (Connection c = TestLedgers.jdbc(dir);
          Statement s = c.createStatement()) {
        // given a reader in the middle of a long read transaction
        s.execute("BEGIN");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM entries")) {
          rs.next();
          assertEquals(10, rs.getLong(1));
        }
        // when the ledger writes, then it commits, and the reader keeps its snapshot
        TestLedgers.append(ledger, 10);
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM entries")) {
          rs.next();
          assertEquals(10, rs.getLong(1));
        }
        s.execute("COMMIT");
      }
      assertEquals(20, ledger.size());
    }
  }

  @Test
  void refusesUpdatesAndDeletesOfEntriesNodesAndCheckpointsInTheDatabase() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 10);
      TestLedgers.checkpoint(ledger);
    }
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement()) {
      for (String sql :
          List.of(
              "UPDATE entries SET ref = 'x' WHERE seq = 1",
              "DELETE FROM entries WHERE seq = 9",
              "UPDATE nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 1",
              "DELETE FROM nodes WHERE level = 0 AND idx = 1",
              "UPDATE checkpoints SET note = 'x'",
              "DELETE FROM checkpoints")) {
        java.sql.SQLException e = assertThrows(java.sql.SQLException.class, () -> s.execute(sql));
        assertTrue(e.getMessage().contains("insert-only"), sql + ": " + e.getMessage());
      }
    }
  }

  @Test
  void keepsRecordingWhenTheSignerFails() {
    NoteSigner good = TestLedgers.signer();
    NoteSigner broken =
        new NoteSigner() {
          @Override
          public String keyName() {
            return good.keyName();
          }

          @Override
          public byte[] publicKey() {
            return good.publicKey();
          }

          @Override
          public byte[] sign(byte[] message) {
            throw new IllegalStateException("the key store is unreachable");
          }
        };
    try (Ledger ledger =
        Ledger.open(TestLedgers.options(dir), broken, TestLedgers.tickingClock())) {
      assertEquals(0, ledger.append(TestLedgers.event("gateway.started")).join().seq());

      CompletionException e =
          assertThrows(CompletionException.class, () -> ledger.checkpoint().join());

      AuditException cause = assertInstanceOf(AuditException.class, e.getCause());
      assertEquals(AuditException.Code.SIGN_FAILED, cause.code());
      assertTrue(cause.getMessage().contains("key store is unreachable"), cause.getMessage());
      assertTrue(ledger.healthy(), "entries are still recorded");
      assertEquals(1, ledger.append(TestLedgers.event("admin.login")).join().seq());
    }
  }

  @Test
  void refusesAppendsAfterClose() {
    Ledger ledger = TestLedgers.open(dir);
    ledger.close();

    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> ledger.append(TestLedgers.event("admin.login")).join());

    AuditException cause = assertInstanceOf(AuditException.class, e.getCause());
    assertEquals(AuditException.Code.CLOSED, cause.code());
  }

  @Test
  void refusesASecondWriter() {
    try (Ledger first = TestLedgers.open(dir)) {
      AuditException e = assertThrows(AuditException.class, () -> TestLedgers.open(dir));

      assertTrue(first.healthy());
      assertEquals(AuditException.Code.IN_USE, e.code());
      assertTrue(e.getMessage().contains("already open for writing"), e.getMessage());
    }
    TestLedgers.open(dir).close();
  }

  @Test
  void failsAnAppendThatCannotBeEncoded() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      CompletionException e =
          assertThrows(
              CompletionException.class,
              () -> ledger.append(EventEntry.of("admin.login", "bad\ud800name")).join());

      AuditException cause = assertInstanceOf(AuditException.class, e.getCause());
      assertEquals(AuditException.Code.INVALID_ENTRY, cause.code());
      assertTrue(cause.getMessage().contains("lone surrogate"), cause.getMessage());
    }
  }

  @Test
  void refusesToOpenWithAnotherOrigin() {
    TestLedgers.open(dir).close();
    LedgerOptions other = LedgerOptions.of(dir.resolve("audit.db"), "elsewhere.example/gw");

    AuditException e =
        assertThrows(
            AuditException.class,
            () -> Ledger.open(other, TestLedgers.signer(), TestLedgers.tickingClock()));

    assertEquals(AuditException.Code.INCOMPATIBLE, e.code());
  }

  @Test
  void readsBackEntriesWithTheirInputs() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      ledger.append(TestLedgers.prediction(0)).join();
      ledger.append(TestLedgers.prediction(1).withoutInputs()).join();
      ledger.append(TestLedgers.event("bundle.installed")).join();

      try (LedgerReader reader = ledger.openReader()) {
        List<StoredEntry> entries = reader.entries(0, 3);

        assertEquals(TestLedgers.prediction(0), entries.get(0).entry());
        assertEquals(TestLedgers.prediction(1).withoutInputs(), entries.get(1).entry());
        assertEquals(TestLedgers.event("bundle.installed"), entries.get(2).entry());
        assertEquals(2, entries.get(2).seq());
      }
    }
  }

  @Test
  void handsOutListsThatCallersCannotChange() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      // given a ledger of one whole segment, covered by a checkpoint
      TestLedgers.append(ledger, 8);
      TestLedgers.checkpoint(ledger);

      // when its entries are read and its segment sealed
      List<StoredEntry> entries;
      try (LedgerReader reader = ledger.openReader()) {
        entries = reader.entries(0, 8);
      }
      List<Segment> sealed = ledger.archive(Long.MAX_VALUE);

      // then neither list can be changed
      assertThrows(UnsupportedOperationException.class, () -> entries.remove(0));
      assertEquals(1, sealed.size());
      assertThrows(UnsupportedOperationException.class, sealed::clear);
    }
  }

  @Test
  void theWalIsCopiedIntoTheDatabaseOffTheWritersThread() throws Exception {
    // given a ledger whose writer would copy its WAL back only past 64 MiB
    try (Ledger ledger = TestLedgers.open(dir)) {
      long before = java.nio.file.Files.size(dir.resolve("audit.db"));

      // when a few megabytes of entries are committed
      for (int i = 0; i < 6; i++) {
        TestLedgers.append(ledger, 500);
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (ledger.walCheckpoints() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      // then the background checkpointer has run and the database file holds them
      assertTrue(ledger.walCheckpoints() >= 2, "checkpoints: " + ledger.walCheckpoints());
      long after = java.nio.file.Files.size(dir.resolve("audit.db"));
      assertTrue(after > before + 1_000_000, "database file grew from " + before + " to " + after);
      assertEquals(3000, ledger.size());
    }
  }
}
