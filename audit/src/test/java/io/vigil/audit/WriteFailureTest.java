package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteFailureTest {

  @TempDir Path dir;

  private static AuditException failureOf(CompletableFuture<Receipt> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return assertInstanceOf(AuditException.class, e.getCause());
  }

  @Test
  void failsAppendsWithWriteFailedWhileTheDatabaseIsLockedAndRecoversAfter() throws Exception {
    VerifierKey key = TestLedgers.signer().verifierKey();
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
        assertFalse(ledger.healthy());
        assertEquals(e, ledger.lastError().orElseThrow());

        // and readers are unaffected
        assertEquals(20, reader.size());
        assertEquals(20, reader.entries(0, 20).size());
        assertTrue(reader.prove(7).inclusion().leadsTo(reader.root(20)));
        s.execute("ROLLBACK");
      }

      // when the lock is gone, then the next append commits with the next seq: no gap
      Receipt r = ledger.append(TestLedgers.prediction(21)).join();
      assertEquals(20, r.seq());
      assertTrue(ledger.healthy());
      TestLedgers.checkpoint(ledger);
      assertTrue(reader.verify(key).ok(), reader.verify(key).toString());
    }
  }

  @Test
  void rollsTheTreeBackWhenATransactionFailsHalfway() throws Exception {
    VerifierKey key = TestLedgers.signer().verifierKey();
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 5);

      // given the disk fills up once the transaction has written part of its rows
      try (Connection c = TestLedgers.jdbc(dir);
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT ON nodes WHEN NEW.level = 2 BEGIN"
                + " SELECT RAISE(ABORT, 'database or disk is full'); END");
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
      assertTrue(e.getMessage().contains("disk is full"), e.getMessage());
      assertFalse(ledger.healthy());
      long committed = 5;
      for (CompletableFuture<Receipt> f : futures.subList(0, 2)) {
        if (!f.isCompletedExceptionally()) {
          assertEquals(committed++, f.join().seq());
        }
      }
      assertEquals(committed, ledger.size());

      // when space is back, then the ledger continues from what the database holds
      try (Connection c = TestLedgers.jdbc(dir);
          Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER disk_full");
      }
      List<Receipt> receipts = TestLedgers.append(ledger, 10);
      assertEquals(committed, receipts.get(0).seq());
      assertTrue(ledger.healthy());
      assertEquals(committed + 10, TestLedgers.checkpoint(ledger).size());
    }
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      VerifyReport report = reader.verify(key);
      assertTrue(report.ok(), report.toString());
    }
  }
}
