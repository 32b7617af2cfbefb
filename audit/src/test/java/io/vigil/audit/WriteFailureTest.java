package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class WriteFailureTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;

  private static AuditException failureOf(CompletableFuture<Receipt> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return assertInstanceOf(AuditException.class, e.getCause());
  }

  private static SQLException fsyncFailed() {
    return new SQLiteException(
        "[SQLITE_IOERR_FSYNC] I/O error within xSync (disk I/O error)",
        SQLiteErrorCode.SQLITE_IOERR_FSYNC);
  }

  /** A real clock: the tests wait for the writer's own retries, as a gateway would. */
  private Ledger open(WriterHooks hooks) {
    return Ledger.open(
        TestLedgers.options(dir), TestLedgers.signer(), Clock.systemUTC(), System::nanoTime, hooks);
  }

  private void assertVerifies() {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      VerifyReport report = reader.verify(KEY);
      assertTrue(report.ok(), report.toString());
    }
  }

  @Test
  void failsAppendsWhileTheDatabaseIsLockedAndRecoversByItselfAfter() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir);
        LedgerReader reader = ledger.openReader()) {
      TestLedgers.append(ledger, 20);
      TestLedgers.checkpoint(ledger);

      // given another process holds the write lock longer than the busy timeout
      try (Connection other = TestLedgers.jdbc(dir);
          Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");

        // when the gateway appends
        AuditException e = failureOf(ledger.append(TestLedgers.prediction(20)));

        // then the append fails and says why, the ledger reports itself unhealthy
        assertEquals(AuditException.Code.WRITE_FAILED, e.code());
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
        assertTrue(e.getMessage().contains("entries 20..20"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("audit.db").toString()), e.getMessage());
        assertFalse(ledger.healthy());
        assertEquals(AuditException.Code.WRITE_FAILED, ledger.lastError().orElseThrow().code());

        // and readers are unaffected
        assertEquals(20, reader.size());
        assertEquals(20, reader.entries(0, 20).size());
        assertTrue(reader.prove(7).inclusion().leadsTo(reader.root(20)));
        s.execute("ROLLBACK");
      }

      // when the lock is gone, then the ledger turns healthy by itself, without an append
      TestLedgers.awaitHealthy(ledger, Duration.ofSeconds(5));

      // and its first entry after the fault says so; the next append follows it: no gap
      StoredEntry recovered = reader.entries(20, 21).get(0);
      EventEntry event = assertInstanceOf(EventEntry.class, recovered.entry());
      assertEquals("ledger.recovered", event.type());
      assertEquals("system", event.actor());
      assertTrue(event.details().contains("locked"), event.details());
      assertEquals(21, ledger.append(TestLedgers.prediction(21)).join().seq());
      TestLedgers.checkpoint(ledger);
    }
    assertVerifies();
  }

  @Test
  void rollsTheTreeBackWhenATransactionFailsHalfway() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 5);

      // given a write that fails once the transaction has written part of its rows
      try (Connection c = TestLedgers.jdbc(dir);
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TRIGGER fails BEFORE INSERT ON nodes WHEN NEW.level = 2 BEGIN"
                + " SELECT RAISE(ABORT, 'no room for this node'); END");
      }

      // when entries are appended, the one that completes a subtree of four (seq 7) hits it
      List<CompletableFuture<Receipt>> futures =
          List.of(
              ledger.append(TestLedgers.prediction(5)),
              ledger.append(TestLedgers.prediction(6)),
              ledger.append(TestLedgers.prediction(7)));

      // then its future fails and says why; entries committed before it keep their seqs
      AuditException e = failureOf(futures.get(2));
      assertEquals(AuditException.Code.WRITE_FAILED, e.code());
      assertTrue(e.getMessage().contains("no room for this node"), e.getMessage());
      // (Whether the ledger is healthy at this instant is a race: the writer may already have
      // reopened and re-checked by itself, since the trigger only fails a node at level 2.)
      long committed = 5;
      for (CompletableFuture<Receipt> f : futures.subList(0, 2)) {
        if (!f.isCompletedExceptionally()) {
          assertEquals(committed++, f.join().seq());
        }
      }

      // when the cause is gone, then the ledger continues from what the database holds
      try (Connection c = TestLedgers.jdbc(dir);
          Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER fails");
      }
      TestLedgers.awaitHealthy(ledger, Duration.ofSeconds(5));
      List<Receipt> receipts = TestLedgers.append(ledger, 10);
      assertEquals(committed + 1, receipts.get(0).seq(), "after ledger.recovered");
      assertEquals(committed + 11, TestLedgers.checkpoint(ledger).size());
    }
    assertVerifies();
  }

  @Test
  void reopensAndRechecksBeforeAcknowledgingAnythingAfterAFailedSync() throws Exception {
    // given a commit whose sync fails after SQLite wrote it (it is in the database, in doubt)
    AtomicBoolean failNextSync = new AtomicBoolean();
    WriterHooks hooks =
        new WriterHooks() {
          @Override
          public void committed() throws SQLException {
            if (failNextSync.getAndSet(false)) {
              throw fsyncFailed();
            }
          }
        };
    try (Ledger ledger = open(hooks)) {
      TestLedgers.append(ledger, 5);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 3);
      assertEquals(1, ledger.writerConnections());
      failNextSync.set(true);

      // when an entry is appended, then it is not acknowledged: the error names file and code
      AuditException e = failureOf(ledger.append(TestLedgers.prediction(8)));
      assertEquals(AuditException.Code.WRITE_FAILED, e.code());
      assertTrue(e.getMessage().contains(dir.resolve("audit.db").toString()), e.getMessage());
      assertTrue(e.getMessage().contains("SQLITE_IOERR_FSYNC"), e.getMessage());
      assertTrue(e.getMessage().contains("disk I/O error"), e.getMessage());

      // and the writer recovers on a new connection after re-checking what followed the checkpoint
      TestLedgers.awaitHealthy(ledger, Duration.ofSeconds(5));
      assertEquals(2, ledger.writerConnections());
      List<StoredEntry> entries = TestLedgers.entries(dir);
      assertEquals(10, entries.size(), "8 acknowledged, the one in doubt, ledger.recovered");
      EventEntry recovered = assertInstanceOf(EventEntry.class, entries.get(9).entry());
      assertEquals("ledger.recovered", recovered.type());
      assertTrue(recovered.details().contains("\"entries_rechecked\":4"), recovered.details());
      assertTrue(recovered.details().contains("\"code\":\"WRITE_FAILED\""), recovered.details());
      assertTrue(recovered.details().contains("SQLITE_IOERR_FSYNC"), recovered.details());
      assertEquals(10, ledger.append(TestLedgers.prediction(10)).join().seq());
      TestLedgers.checkpoint(ledger);
    }
    assertVerifies();
  }

  @Test
  void staysDownWhenTheRecheckFindsThatAFailedSyncLostTheLastCommit() throws Exception {
    // given a commit whose sync fails and whose entry is then no longer what was written, as if
    // the kernel had dropped the dirty page and a later read brought back other bytes
    AtomicBoolean failNextSync = new AtomicBoolean();
    WriterHooks hooks =
        new WriterHooks() {
          @Override
          public void committed() throws SQLException {
            if (failNextSync.getAndSet(false)) {
              try (Connection c = TestLedgers.attacker(dir);
                  PreparedStatement ps =
                      c.prepareStatement(
                          "UPDATE entries SET canonical = canonical || ' ' WHERE seq = 5")) {
                ps.executeUpdate();
              }
              throw fsyncFailed();
            }
          }
        };
    try (Ledger ledger = open(hooks)) {
      TestLedgers.append(ledger, 5);
      failNextSync.set(true);
      failureOf(ledger.append(TestLedgers.prediction(5)));

      // when the writer re-checks before it would record again
      Thread.sleep(LedgerWriter.RECOVERY_INTERVAL.toMillis() * 2 + 200);

      // then it finds the damage, stays unhealthy and acknowledges nothing more
      assertFalse(ledger.healthy());
      AuditException e = ledger.lastError().orElseThrow();
      assertEquals(AuditException.Code.DAMAGED, e.code(), e.getMessage());
      assertTrue(
          e.getMessage().contains("entry 5 does not hash to its stored leaf"), e.getMessage());
      assertTrue(e.getMessage().contains("vigil audit recover --data-dir " + dir), e.getMessage());
      AuditException next = failureOf(ledger.append(TestLedgers.prediction(6)));
      assertEquals(AuditException.Code.DAMAGED, next.code());
    }
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*), max(ref) FROM entries WHERE seq >= 5")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the entry in doubt, and nothing after it");
      assertEquals("req-5", rs.getString(2));
    }
  }
}
