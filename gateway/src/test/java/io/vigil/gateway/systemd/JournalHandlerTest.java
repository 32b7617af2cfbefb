package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalHandlerTest {

  private static final Map<String, String> UNDER_SYSTEMD = Map.of("JOURNAL_STREAM", "8:4242");
  private static final String LOGGER = "io.vigil.gateway.systemd.test";

  @TempDir Path dir;

  private final Logger jul = Logger.getLogger(LOGGER);
  private final System.Logger log = System.getLogger(LOGGER);
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private Handler handler;

  @AfterEach
  void detach() {
    if (handler != null) {
      jul.removeHandler(handler);
    }
    jul.setUseParentHandlers(true);
  }

  @Test
  void sendsEachRecordWithItsPriorityLoggerAndVigilFields() throws Exception {
    Path socket = dir.resolve("journal.socket");
    try (DatagramReceiver journal = DatagramReceiver.bind(socket.toString())) {
      attach(socket);

      log.log(
          Level.WARNING,
          "wdbc-malignancy 1.0.0: safety ok -> warn",
          LogFields.event("safety.changed").model("wdbc-malignancy", "1.0.0").code("DRIFT"));
      log.log(Level.INFO, "an ordinary line");

      Map<String, String> first = JournalDecoder.decode(journal.next(Duration.ofSeconds(5)));
      assertEquals("wdbc-malignancy 1.0.0: safety ok -> warn", first.get("MESSAGE"));
      assertEquals("4", first.get("PRIORITY"));
      assertEquals("vigil", first.get("SYSLOG_IDENTIFIER"));
      assertEquals(LOGGER, first.get("VIGIL_LOGGER"));
      assertEquals("safety.changed", first.get("VIGIL_EVENT"));
      assertEquals("wdbc-malignancy", first.get("VIGIL_MODEL"));
      assertEquals("1.0.0", first.get("VIGIL_MODEL_VERSION"));
      assertEquals("DRIFT", first.get("VIGIL_CODE"));
      Map<String, String> second = JournalDecoder.decode(journal.next(Duration.ofSeconds(5)));
      assertEquals("6", second.get("PRIORITY"));
      assertEquals("an ordinary line", second.get("MESSAGE"));
      assertEquals(0, stderr.size(), stderr.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void sendsAnExceptionInItsOwnMultiLineField() throws Exception {
    Path socket = dir.resolve("journal.socket");
    try (DatagramReceiver journal = DatagramReceiver.bind(socket.toString())) {
      attach(socket);

      log.log(Level.ERROR, "unexpected failure", new IllegalStateException("broken"));

      Map<String, String> record = JournalDecoder.decode(journal.next(Duration.ofSeconds(5)));
      assertEquals("3", record.get("PRIORITY"));
      assertEquals("unexpected failure", record.get("MESSAGE"));
      String trace = record.get("VIGIL_EXCEPTION");
      assertTrue(trace.startsWith("java.lang.IllegalStateException: broken\n\tat "), trace);
    }
  }

  @Test
  void writesARecordTheJournalDoesNotTakeToStderrWithItsPriority() throws Exception {
    Path socket = dir.resolve("journal.socket");
    DatagramReceiver journal = DatagramReceiver.bind(socket.toString());
    attach(socket);
    journal.close();

    log.log(Level.WARNING, "the disk is low", LogFields.event("disk.low"));
    handler.flush();

    String written = awaitStderr("the disk is low");
    assertTrue(written.contains("<4>" + LOGGER + ": the disk is low\n"), written);
  }

  @Test
  void prefixesLinesWithTheirPriorityWhenTheJournalSocketIsMissing() throws Exception {
    attach(dir.resolve("no-such.socket"));

    log.log(Level.ERROR, "first line\nsecond line");
    handler.flush();

    assertEquals(
        "<3>" + LOGGER + ": first line\n<3>second line\n", stderr.toString(StandardCharsets.UTF_8));
  }

  @Test
  void leavesLoggingAsItIsOutsideSystemd() {
    assertTrue(
        JournalHandler.forEnvironment(Map.of(), dir.resolve("journal.socket"), System.err)
            .isEmpty());
  }

  private void attach(Path socket) {
    handler =
        JournalHandler.forEnvironment(
                UNDER_SYSTEMD, socket, new PrintStream(stderr, true, StandardCharsets.UTF_8))
            .orElseThrow();
    if (socket.getFileName().toString().equals("journal.socket")) {
      assertInstanceOf(JournalHandler.class, handler);
    }
    jul.setUseParentHandlers(false);
    jul.addHandler(handler);
    assertNotNull(handler);
  }

  private String awaitStderr(String text) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < end) {
      String now = stderr.toString(StandardCharsets.UTF_8);
      if (now.contains(text)) {
        return now;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("nothing on stderr about '" + text + "': " + stderr);
  }
}
