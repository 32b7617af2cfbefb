package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest {

  @TempDir Path dir;

  @Test
  void doesNothingWithoutNotifySocket() {
    Notifier notifier = Notifier.fromEnvironment(Map.of());

    notifier.ready("ready");
    notifier.stopping("stopping");

    assertFalse(notifier.enabled());
  }

  @Test
  void sendsReadyWithItsStatusOnOneLine() throws Exception {
    String socket = dir.resolve("notify.socket").toString();
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket)) {
      Notifier notifier = Notifier.fromEnvironment(Map.of(Notifier.NOTIFY_SOCKET, socket));

      notifier.ready("ready: OIP v2 on http://127.0.0.1:8080/v2\n1 model version(s) loaded");

      assertEquals(
          "READY=1\nSTATUS=ready: OIP v2 on http://127.0.0.1:8080/v2 1 model version(s) loaded",
          new String(systemd.next(Duration.ofSeconds(5)), StandardCharsets.UTF_8));
    }
  }

  @Test
  void sendsToAnAbstractSocket() throws Exception {
    String socket = "@vigil-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (DatagramReceiver systemd = DatagramReceiver.bind(socket)) {
      Notifier notifier = Notifier.fromEnvironment(Map.of(Notifier.NOTIFY_SOCKET, socket));

      notifier.stopping("stopping: draining requests in flight");

      assertEquals(
          "STOPPING=1\nSTATUS=stopping: draining requests in flight",
          new String(systemd.next(Duration.ofSeconds(5)), StandardCharsets.UTF_8));
    }
  }
}
