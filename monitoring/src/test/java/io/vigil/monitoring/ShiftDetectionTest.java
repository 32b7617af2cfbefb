package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.ReferenceProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of shift, injected after calm windows of 500 rows, raises the level it should within a
 * stated number of windows; in-distribution traffic over many windows raises few alarms. The
 * figures printed here are the README's.
 */
class ShiftDetectionTest {

  static final int CALM = 10;

  @TempDir Path dir;
  private final List<WindowResult> windows = new ArrayList<>();
  private Monitoring monitoring;
  private ReferenceProfile reference;

  @BeforeEach
  void start() throws Exception {
    reference = Traffic.reference(dir, 2000, 7);
    monitoring =
        Monitoring.start(
            dir.resolve("state"),
            Clock.systemUTC(),
            new SafetyListener() {
              @Override
              public void windowClosed(ModelMonitor monitor, WindowResult window) {
                windows.add(window);
              }

              @Override
              public void levelChanged(
                  ModelMonitor m, SafetyLevel from, SafetyLevel to, List<String> r, String a) {}
            });
  }

  @AfterEach
  void stop() {
    monitoring.close();
  }

  @Test
  void inDistributionTrafficOver400WindowsRaisesFewWarningsAndNoSuspension() {
    ModelMonitor m = monitor();
    Random random = new Random(21);
    for (int w = 0; w < 400; w++) {
      Traffic.send(m, random, 500, 1, 0);
      monitoring.drainNow();
    }
    long warn = count(SafetyLevel.WARN);
    long alert = count(SafetyLevel.ALERT);
    long suspend = count(SafetyLevel.SUSPEND);
    System.out.printf(
        "in-distribution, 400 windows of 500 rows: warn %d, alert %d, suspend %d%n",
        warn, alert, suspend);
    assertEquals(400, windows.size());
    assertTrue(warn + alert <= 20, "at most 5% of windows: " + (warn + alert));
    assertTrue(alert <= 4, "at most 1% of windows alert: " + alert);
    assertEquals(0, suspend);
  }

  @Test
  void aFeatureScaledByHalfWarnsInTheFirstShiftedWindow() {
    int found = windowsToDetect(SafetyLevel.WARN, (m, r) -> Traffic.send(m, r, 500, 1.5, 0));
    report("feature f0 scaled by 1.5", found);
    assertEquals(1, found);
  }

  @Test
  void aFeatureOffsetByHalfAStandardDeviationWarnsWithinTwoWindows() {
    int found = windowsToDetect(SafetyLevel.WARN, (m, r) -> Traffic.send(m, r, 500, 1, 0.5));
    report("feature f0 offset by 0.5 SD", found);
    assertTrue(found >= 1 && found <= 2, String.valueOf(found));
  }

  @Test
  void aFifthOfRequestsMissingAValueWarnsInTheFirstShiftedWindow() {
    int found =
        windowsToDetect(
            SafetyLevel.WARN,
            (m, r) -> {
              m.observeMissing(125);
              Traffic.send(m, r, 500, 1, 0);
            });
    report("20% of requests missing a value", found);
    assertEquals(1, found);
  }

  @Test
  void aPositiveRateUpByAThirdAlertsWithinFourWindows() {
    double p0 = reference.score().positiveRate();
    int found =
        windowsToDetect(
            SafetyLevel.ALERT, (m, r) -> Traffic.sendWithPositiveShare(m, r, 500, 1.33 * p0));
    report("positive rate x1.33", found);
    assertTrue(found >= 1 && found <= 4, String.valueOf(found));
  }

  @Test
  void aDoubledPositiveRateSuspendsInTheFirstShiftedWindow() {
    double p0 = reference.score().positiveRate();
    int found =
        windowsToDetect(
            SafetyLevel.SUSPEND,
            (m, r) -> Traffic.sendWithPositiveShare(m, r, 500, Math.min(1, 2 * p0 + 0.02)));
    report("positive rate x2", found);
    assertEquals(1, found);
  }

  private interface Shift {
    void window(ModelMonitor m, Random random);
  }

  /** Calm windows, then shifted ones: the number of shifted windows until {@code level}. */
  private int windowsToDetect(SafetyLevel level, Shift shift) {
    ModelMonitor m = monitor();
    Random random = new Random(31);
    for (int w = 0; w < CALM; w++) {
      Traffic.send(m, random, 500, 1, 0);
      monitoring.drainNow();
    }
    for (int w = 1; w <= 20; w++) {
      shift.window(m, random);
      monitoring.drainNow();
      WindowResult last = windows.get(windows.size() - 1);
      if (last.level().compareTo(level) >= 0) {
        return w;
      }
    }
    return -1;
  }

  private void report(String shift, int windowsNeeded) {
    System.out.printf(
        "%s: %s after %d shifted window(s): %s%n",
        shift,
        windows.get(windows.size() - 1).level(),
        windowsNeeded,
        windows.get(windows.size() - 1).reasons());
  }

  private long count(SafetyLevel level) {
    return windows.stream().filter(w -> w.level() == level).count();
  }

  private ModelMonitor monitor() {
    return monitoring.monitor(Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST));
  }
}
