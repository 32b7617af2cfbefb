package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged ledger is refused at open, by the writer and by a reader, with a message that names the
 * file, what is wrong and what to run; it is never overwritten nor silently recreated.
 */
class DamagedLedgerTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;
  private Path database;

  /** 100 entries with checkpoints at 40, 80 and 100, closed without a gateway.stopped event. */
  @BeforeEach
  void ledgerOf100Entries() {
    database = dir.resolve("audit.db");
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 40);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 40);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 20);
      TestLedgers.checkpoint(ledger);
    }
  }

  private AuditException refusedByTheWriter() throws IOException {
    String before = Digests.file(database);
    AuditException e = assertThrows(AuditException.class, () -> TestLedgers.open(dir).close());
    assertEquals(AuditException.Code.DAMAGED, e.code(), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("the ledger " + database + " is damaged: "), e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "; run 'vigil audit recover --data-dir "
                    + dir
                    + "' to move the damaged ledger aside intact and start a new one that"
                    + " continues its history"),
        e.getMessage());
    assertEquals(before, Digests.file(database), "the damaged file was changed");
    return e;
  }

  private AuditException refusedByAReader() {
    AuditException e =
        assertThrows(AuditException.class, () -> LedgerReader.open(database).close());
    assertEquals(AuditException.Code.DAMAGED, e.code(), e.getMessage());
    return e;
  }

  @Test
  void refusesAGarbledPageAndVerifyNamesIt() throws Exception {
    // given a page in the middle of the entries is garbled (a bad sector, a torn write)
    Damages.garblePageHolding(database, "\"request_id\":\"req-60\"");

    // when the gateway opens it, then it is refused: SQLite's check finds the page
    AuditException e = refusedByTheWriter();
    assertTrue(e.getMessage().contains("quick_check"), e.getMessage());

    // and vigil audit verify names the damage first
    try (LedgerReader reader = LedgerReader.open(database)) {
      VerifyReport report = reader.verify(KEY);
      assertFalse(report.ok());
      VerifyReport.Failure first = report.firstFailure().orElseThrow();
      assertEquals("database " + database, first.subject());
      assertTrue(first.reason().contains("quick_check"), first.reason());
      assertTrue(first.reason().contains("vigil audit recover"), first.reason());
    }
  }

  @Test
  void refusesAFileCutShortAtAPageBoundary() throws Exception {
    Damages.truncate(database, 0.6, true);

    AuditException e = refusedByTheWriter();
    assertTrue(e.getMessage().contains("it was cut short"), e.getMessage());
    assertTrue(e.getMessage().contains("its header counts "), e.getMessage());
    assertTrue(refusedByAReader().getMessage().contains("it was cut short"));
  }

  @Test
  void refusesAFileCutShortInsideAPage() throws Exception {
    Damages.truncate(database, 0.55, false);

    AuditException e = refusedByTheWriter();
    assertTrue(e.getMessage().contains("is not a whole number of 4096-byte pages"), e.getMessage());
    assertTrue(refusedByAReader().getMessage().contains("cut short"));
  }

  @Test
  void refusesTheWriteAheadLogOfADatabaseWithAnotherPageSize() throws Exception {
    Path wal = LedgerFiles.wal(database);
    Damages.foreignWal(dir, 8192, wal);
    String walBefore = Digests.file(wal);

    AuditException e = refusedByTheWriter();
    assertTrue(
        e.getMessage().contains("its write-ahead log " + wal + " is for pages of 8192 bytes"),
        e.getMessage());
    assertTrue(e.getMessage().contains("it belongs to another database"), e.getMessage());
    assertTrue(refusedByAReader().getMessage().contains("belongs to another database"));
    assertEquals(walBefore, Digests.file(wal), "the foreign WAL was replayed or discarded");
  }

  @Test
  void refusesTheWriteAheadLogOfADatabaseWithTheSamePageSize() throws Exception {
    // given a WAL that another database left, whose header alone cannot tell it apart
    Path wal = LedgerFiles.wal(database);
    Damages.foreignWal(dir, 4096, wal);
    String walBefore = Digests.file(wal);

    // then the database file alone names a ledger that SQLite, reading the WAL too, no longer sees
    AuditException e = refusedByTheWriter();
    assertTrue(
        e.getMessage()
            .contains(
                "its write-ahead log "
                    + wal
                    + " would replace the ledger of origin "
                    + TestLedgers.ORIGIN
                    + " with a database that is no ledger: it belongs to another database"),
        e.getMessage());
    assertEquals(walBefore, Digests.file(wal), "the foreign WAL was replayed or discarded");
  }

  @Test
  void refusesAWriteAheadLogWhoseHeaderChecksumFails() throws Exception {
    // given the WAL that a crash left, its header then damaged: SQLite would discard the WAL
    Path crashed = dir.resolve("crashed");
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 10);
      Damages.copyAsLeftByACrash(database, crashed);
    }
    Path wal = LedgerFiles.wal(crashed.resolve("audit.db"));
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), 17);
    }

    AuditException e = assertThrows(AuditException.class, () -> TestLedgers.open(crashed).close());
    assertEquals(AuditException.Code.DAMAGED, e.code());
    assertTrue(e.getMessage().contains("checksum does not match"), e.getMessage());
  }

  @Test
  void opensWhatACrashLeftAndLosesNothing() throws Exception {
    // given the database and WAL as a kill -9 leaves them, after 110 acknowledged entries
    Path crashed = dir.resolve("crashed");
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 10);
      Damages.copyAsLeftByACrash(database, crashed);
    }
    assertTrue(Files.size(LedgerFiles.wal(crashed.resolve("audit.db"))) > 32);

    // when the gateway starts on it, then it opens (SQLite replays the WAL) and verifies
    try (Ledger ledger = TestLedgers.open(crashed)) {
      assertEquals(110, ledger.size());
      TestLedgers.checkpoint(ledger);
    }
    try (LedgerReader reader = LedgerReader.open(crashed.resolve("audit.db"))) {
      assertTrue(reader.verify(KEY).ok(), reader.verify(KEY).toString());
    }
  }

  @Test
  void refusesADeletedDatabaseWhoseWriteAheadLogRemains() throws Exception {
    Path crashed = dir.resolve("crashed");
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 10);
      Damages.copyAsLeftByACrash(database, crashed);
    }
    Path gone = crashed.resolve("audit.db");
    Files.delete(gone);

    AuditException e = assertThrows(AuditException.class, () -> TestLedgers.open(crashed).close());
    assertEquals(AuditException.Code.DAMAGED, e.code());
    assertTrue(
        e.getMessage().contains("the database file is missing but its write-ahead log"),
        e.getMessage());
    assertFalse(Files.exists(gone), "a new, empty ledger was created in its place");
    AuditException r = assertThrows(AuditException.class, () -> LedgerReader.open(gone).close());
    assertEquals(AuditException.Code.DAMAGED, r.code());
  }

  @Test
  void refusesADeletedDatabaseWhoseSegmentsRemain() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir)) {
      assertFalse(ledger.archive(64).isEmpty());
    }
    Files.delete(database);

    AuditException e = assertThrows(AuditException.class, () -> TestLedgers.open(dir).close());
    assertEquals(AuditException.Code.DAMAGED, e.code());
    assertTrue(e.getMessage().contains("8 sealed segment files in "), e.getMessage());
    assertFalse(Files.exists(database));
  }
}
