package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.ReferenceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restart keeps: the open window, the closed windows, the level; a damaged file is named.
 */
class MonitorStateTest {

  @TempDir Path dir;

  private static final SafetyListener QUIET =
      new SafetyListener() {
        @Override
        public void windowClosed(ModelMonitor monitor, WindowResult window) {}

        @Override
        public void levelChanged(
            ModelMonitor m, SafetyLevel from, SafetyLevel to, List<String> r, String a) {}
      };

  @Test
  void aRestartResumesTheOpenWindowAndKeepsTheClosedOnes() throws Exception {
    ReferenceProfile reference = Traffic.reference(dir, 2000, 7);
    Random random = new Random(5);
    try (Monitoring first = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), QUIET)) {
      ModelMonitor m =
          first.monitor(Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST));
      Traffic.send(m, random, 500 + 123, 1, 0);
      first.drainNow();
    }

    try (Monitoring second = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), QUIET)) {
      ModelMonitor m =
          second.monitor(Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST));

      assertEquals(123, m.openWindowRows());
      assertEquals(1, m.recentWindows().size());
      assertEquals(500, m.recentWindows().get(0).rows());
      Traffic.send(m, random, 377, 1, 0);
      second.drainNow();
      assertEquals(2, m.recentWindows().size());
      assertEquals(2, m.recentWindows().get(1).index());
    }
  }

  @Test
  void aSuspensionIsOnDiskBeforeItIsInForce() throws Exception {
    ReferenceProfile reference = Traffic.reference(dir, 2000, 7);
    try (Monitoring first = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), QUIET)) {
      ModelMonitor m =
          first.monitor(Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST));
      Traffic.sendWithPositiveShare(m, new Random(3), 500, 1.0);
      first.drainNow();
      assertEquals(SafetyLevel.SUSPEND, m.level());
      String saved = Files.readString(dir.resolve("state/test-model/1.0.0.json"));
      assertTrue(saved.contains("\"level\":\"SUSPEND\""), saved.substring(0, 200));
    }
  }

  @Test
  void aDamagedStateFileIsRefusedNamingIt() throws Exception {
    ReferenceProfile reference = Traffic.reference(dir, 2000, 7);
    Path file = dir.resolve("state/test-model/1.0.0.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"model_id\": \"test-model\", \"open_w");

    try (Monitoring monitoring = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), QUIET)) {
      MonitoringException e =
          assertThrows(
              MonitoringException.class,
              () ->
                  monitoring.monitor(
                      Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST)));

      assertEquals(MonitoringException.Code.STATE_FAILED, e.code());
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("move it aside"), e.getMessage());
    }
  }
}
