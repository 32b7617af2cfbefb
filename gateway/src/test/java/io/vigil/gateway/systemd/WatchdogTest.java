package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WatchdogTest {

  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  @Test
  void feedsTheWatchdogEveryHalfOfWatchdogUsec(Vertx vertx, VertxTestContext test)
      throws Exception {
    String socket = dir.resolve("notify.socket").toString();
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket);
        Watchdog watchdog =
            Watchdog.start(
                    Map.of(Watchdog.WATCHDOG_USEC, "200000"),
                    PID,
                    vertx,
                    notifier(socket),
                    Optional::empty)
                .orElseThrow()) {
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        assertEquals("WATCHDOG=1", text(systemd.next(Duration.ofSeconds(2))));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      // Five feeds 100 ms apart, the first at once: about 400 ms, well inside the 200 ms timeout's
      // allowance per feed.
      assertTrue(millis >= 300 && millis < 2_000, millis + " ms for five feeds");
    }
    test.completeNow();
  }

  @Test
  void withholdsTheWatchdogAndSaysWhyWhileTheGatewayHasAFault(Vertx vertx, VertxTestContext test)
      throws Exception {
    String socket = dir.resolve("notify.socket").toString();
    AtomicReference<Optional<String>> fault = new AtomicReference<>(Optional.empty());
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket);
        Watchdog watchdog =
            Watchdog.start(
                    Map.of(Watchdog.WATCHDOG_USEC, "200000"),
                    PID,
                    vertx,
                    notifier(socket),
                    fault::get)
                .orElseThrow()) {
      assertEquals("WATCHDOG=1", text(systemd.next(Duration.ofSeconds(2))));

      fault.set(Optional.of("the ledger cannot write: disk I/O error"));

      systemd.await(
          s ->
              s.equals(
                  "STATUS=unhealthy, watchdog withheld: the ledger cannot write: disk I/O error"),
          Duration.ofSeconds(2),
          "the fault's status");
      assertNull(systemd.next(Duration.ofMillis(500)), "fed while the fault lasts");

      fault.set(Optional.empty());

      String resumed =
          systemd.await(s -> s.startsWith("WATCHDOG=1"), Duration.ofSeconds(2), "a feed");
      assertTrue(resumed.contains("\nSTATUS="), resumed);
    }
    test.completeNow();
  }

  @Test
  void ignoresAWatchdogMeantForAnotherProcessOrNotAskedFor() {
    assertEquals(
        Optional.empty(),
        Watchdog.interval(
            Map.of(Watchdog.WATCHDOG_USEC, "200000", Watchdog.WATCHDOG_PID, "1"), PID));
    assertEquals(Optional.empty(), Watchdog.interval(Map.of(), PID));
    assertEquals(
        Optional.of(Duration.ofSeconds(15)),
        Watchdog.interval(
            Map.of(Watchdog.WATCHDOG_USEC, "30000000", Watchdog.WATCHDOG_PID, Long.toString(PID)),
            PID));
  }

  @Test
  void startsNoWatchdogWithoutNotifySocket(Vertx vertx) {
    assertFalse(
        Watchdog.start(
                Map.of(Watchdog.WATCHDOG_USEC, "200000"),
                PID,
                vertx,
                Notifier.fromEnvironment(Map.of()),
                Optional::empty)
            .isPresent());
  }

  private static Notifier notifier(String socket) {
    return Notifier.fromEnvironment(Map.of(Notifier.NOTIFY_SOCKET, socket));
  }

  private static String text(byte[] datagram) {
    return datagram == null ? "(nothing)" : new String(datagram, StandardCharsets.UTF_8);
  }
}
