package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fills the disk under the ledger for real: a 2 MiB tmpfs mounted for the test (the tests run as
 * root in CI). Where mounting is not permitted, SQLite's {@code max_page_count} on the writer's
 * connections stands in for the full disk: the same {@code SQLITE_FULL}, so the test never skips.
 */
class DiskFullTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;
  private Path data;
  private boolean mounted;

  /** The fallback's page limit for every writing connection; unlimited until the test fills up. */
  private final AtomicLong maxPages = new AtomicLong(Integer.MAX_VALUE);

  private final AtomicReference<Connection> writerConnection = new AtomicReference<>();
  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logged) {
            logged.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void mountASmallFileSystem() throws Exception {
    data = dir.resolve("small");
    Files.createDirectories(data);
    mounted = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", data.toString()) == 0;
    Logger.getLogger("io.vigil.audit").addHandler(capture);
  }

  @AfterEach
  void unmount() throws Exception {
    Logger.getLogger("io.vigil.audit").removeHandler(capture);
    if (mounted && run("umount", data.toString()) != 0) {
      run("umount", "-l", data.toString());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private final WriterHooks pageLimit =
      new WriterHooks() {
        @Override
        public void opened(Connection c) throws SQLException {
          writerConnection.set(c);
          Sqlite.exec(c, "PRAGMA max_page_count = " + maxPages.get());
        }
      };

  /** Fills the disk: a filler file up to the last byte, or no page beyond those in use. */
  private Path fill() throws Exception {
    Path filler = data.resolve("filler");
    if (mounted) {
      byte[] chunk = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(filler)) {
        while (true) {
          out.write(chunk);
        }
      } catch (IOException noSpaceLeft) {
        // full
      }
      try (OutputStream out = Files.newOutputStream(data.resolve("filler-tail"))) {
        while (true) {
          out.write(0);
          out.flush();
        }
      } catch (IOException noSpaceLeft) {
        // full to the last block
      }
    } else {
      Connection c = writerConnection.get();
      try (var s = c.createStatement();
          var rs = s.executeQuery("PRAGMA page_count")) {
        rs.next();
        maxPages.set(rs.getLong(1));
      }
      Sqlite.exec(c, "PRAGMA max_page_count = " + maxPages.get());
    }
    return filler;
  }

  private void free(Path filler) throws IOException {
    if (mounted) {
      Files.delete(filler);
      Files.deleteIfExists(data.resolve("filler-tail"));
    } else {
      maxPages.set(Integer.MAX_VALUE);
    }
  }

  @Test
  void refusesWhileTheDiskIsFullAndRecordsAgainByItselfOnceSpaceIsFreed() throws Exception {
    LedgerOptions options =
        TestLedgers.options(data).withDurability(Durability.FULL).withMaxBatchEntries(16);
    Map<String, Long> acknowledged = new LinkedHashMap<>();
    long recoveryMillis;
    long freed;
    try (Ledger ledger =
        Ledger.open(
            options, TestLedgers.signer(), Clock.systemUTC(), System::nanoTime, pageLimit)) {
      for (int i = 0; i < 20; i++) {
        acknowledged.put("req-" + i, ledger.append(TestLedgers.prediction(i)).join().seq());
      }
      assertTrue(ledger.freeBytes() > 0);

      // given the disk fills up under load
      Path filler = fill();
      AuditException full = null;
      for (long n = 20; full == null && n < 100_000; ) {
        Map<String, CompletableFuture<Receipt>> wave = new LinkedHashMap<>();
        for (int k = 0; k < 8; k++, n++) {
          PredictionEntry p = TestLedgers.prediction(n);
          wave.put(p.requestId(), ledger.append(p));
        }
        for (Map.Entry<String, CompletableFuture<Receipt>> w : wave.entrySet()) {
          try {
            acknowledged.put(w.getKey(), w.getValue().join().seq());
          } catch (CompletionException e) {
            full = assertInstanceOf(AuditException.class, e.getCause());
          }
        }
      }

      // then appends fail with DISK_FULL, in the words of the person who must free space
      assertTrue(full != null, "the disk never filled up");
      assertEquals(AuditException.Code.DISK_FULL, full.code(), full.getMessage());
      assertTrue(
          full.getMessage().startsWith("the disk holding " + data.toAbsolutePath() + " is full ("),
          full.getMessage());
      assertTrue(
          full.getMessage()
              .endsWith(" free): the ledger cannot record predictions until space is freed"),
          full.getMessage());
      assertFalse(ledger.healthy());
      if (mounted) {
        assertTrue(ledger.freeBytes() < 64 * 1024, "free: " + ledger.freeBytes());
      }

      // and they keep failing, with the same code, while it stays full
      CompletionException again =
          assertThrows(
              CompletionException.class, () -> ledger.append(TestLedgers.prediction(-1)).join());
      assertEquals(AuditException.Code.DISK_FULL, ((AuditException) again.getCause()).code());
      Thread.sleep(LedgerWriter.RECOVERY_INTERVAL.toMillis() + 200);
      assertFalse(ledger.healthy(), "still full");

      // when space is freed, then the ledger is healthy again by itself, without an append
      free(filler);
      freed = ledger.freeBytes();
      recoveryMillis = TestLedgers.awaitHealthy(ledger, Duration.ofSeconds(5)).toMillis();

      // and the next appends succeed
      for (int i = 0; i < 30; i++) {
        PredictionEntry p = TestLedgers.prediction(200_000 + i);
        acknowledged.put(p.requestId(), ledger.append(p).join().seq());
      }
      TestLedgers.checkpoint(ledger);
    }
    System.out.printf(
        "disk full (%s): healthy again %d ms after space was freed (%s free)%n",
        mounted ? "tmpfs" : "max_page_count", recoveryMillis, SqliteErrors.bytes(freed));

    // then every acknowledged append is in the ledger, after it ledger.recovered, and it verifies
    List<StoredEntry> entries = TestLedgers.entries(data);
    for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
      PredictionEntry p =
          assertInstanceOf(
              PredictionEntry.class, entries.get(Math.toIntExact(ack.getValue())).entry());
      assertEquals(ack.getKey(), p.requestId());
    }
    // (Without a real disk the page limit may let the small ledger.recovered in and fail the
    // next batch again: one recovery or more.)
    List<EventEntry> recovered = TestLedgers.events(entries, "ledger.recovered");
    assertEquals(mounted ? 1 : recovered.size(), recovered.size());
    for (EventEntry r : recovered) {
      assertTrue(r.details().contains("\"code\":\"DISK_FULL\""), r.details());
      assertTrue(r.details().contains("\"duration_ms\":"), r.details());
      assertTrue(r.details().contains("\"fault_began\":"), r.details());
    }
    assertFalse(recovered.isEmpty());
    try (LedgerReader reader = LedgerReader.open(data.resolve("audit.db"))) {
      VerifyReport report = reader.verify(KEY);
      assertTrue(report.ok(), report.toString());
    }

    // and every log line was one formatted line, without a stack trace
    synchronized (logged) {
      assertFalse(logged.isEmpty());
      SimpleFormatter formatter = new SimpleFormatter();
      for (LogRecord r : logged) {
        String line = formatter.formatMessage(r);
        assertFalse(line.contains("{0}"), line);
        assertFalse(line.contains("\n"), line);
        assertNull(r.getThrown(), line);
      }
    }
  }
}
