package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class ModelMonitorTest {

  @TempDir Path dir;
  private final List<String> events = new ArrayList<>();
  private Monitoring monitoring;
  private ReferenceProfile reference;

  @BeforeEach
  void start() throws Exception {
    reference = Traffic.reference(dir, 2000, 7);
    monitoring = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), listener());
  }

  @AfterEach
  void stop() {
    monitoring.close();
  }

  @Test
  void inDistributionTrafficRaisesFewAlarms() {
    ModelMonitor m = monitor();
    Random random = new Random(11);
    int windows = 200;
    for (int w = 0; w < windows; w++) {
      Traffic.send(m, random, 500, 1, 0);
      monitoring.drainNow();
    }
    List<WindowResult> all = closed();
    long alarms = all.stream().filter(r -> r.level() != SafetyLevel.NORMAL).count();
    System.out.printf("false alarms: %d of %d windows%n", alarms, all.size());
    for (int f = 0; f < 3; f++) {
      int ff = f;
      System.out.printf(
          "f%d mean ood %.4f mean psi %.4f%n",
          f,
          all.stream()
              .mapToDouble(r -> r.features().get(ff).outOfDistributionRate())
              .average()
              .orElse(0),
          all.stream().mapToDouble(r -> r.features().get(ff).psi()).average().orElse(0));
    }
    System.out.println("p0 " + reference.score().positiveRate());
    System.out.println(
        "f1 ood counts "
            + all.stream()
                .map(
                    r ->
                        String.valueOf(
                            Math.round(r.features().get(1).outOfDistributionRate() * r.rows())))
                .toList());
    System.out.println(
        "f1 band "
            + reference.features().get(1).values().p0_5()
            + " "
            + reference.features().get(1).values().p99_5()
            + " n "
            + reference.features().get(1).values().count());
    all.stream()
        .filter(r -> r.level() != SafetyLevel.NORMAL)
        .limit(5)
        .forEach(r -> System.out.println(r.index() + " " + r.level() + " " + r.reasons()));
    assertEquals(windows, all.size());
    assertTrue(alarms <= windows * 0.03, alarms + " alarms");
  }

  @Test
  void aScaledFeatureWarnsWithinOneWindow() {
    ModelMonitor m = monitor();
    Random random = new Random(12);
    Traffic.send(m, random, 500, 1.5, 0);
    monitoring.drainNow();
    WindowResult r = closed().get(0);
    System.out.println(r.level() + " " + r.reasons());
    assertTrue(r.level().compareTo(SafetyLevel.WARN) >= 0, r.reasons().toString());
  }

  @Test
  void aDoubledPositiveRateSuspends() {
    ModelMonitor m = monitor();
    Random random = new Random(13);
    double p0 = reference.score().positiveRate();
    Traffic.sendWithPositiveShare(m, random, 500, Math.min(1, 2.2 * p0));
    monitoring.drainNow();
    System.out.println(p0 + " " + closed().get(0).reasons());
    assertEquals(SafetyLevel.SUSPEND, m.level());
  }

  @Test
  void aPersonsSuspensionIsStickyAndSurvivesARestartUntilResumed() throws Exception {
    ModelMonitor m = monitor();
    monitoring.suspend(m, "operator:carol", "recalled by the ward").get();
    assertTrue(m.suspended());
    assertEquals(List.of("suspended by operator:carol: recalled by the ward"), m.reasons());
    assertEquals(
        MonitoringException.Code.SUSPENDED,
        assertThrows(
                        java.util.concurrent.ExecutionException.class,
                        () -> monitoring.suspend(m, "operator:carol", "again").get())
                    .getCause()
                instanceof MonitoringException e
            ? e.code()
            : null);
    Traffic.send(m, new Random(14), 500, 1, 0);
    monitoring.drainNow();
    assertTrue(m.suspended(), "calm windows do not lift a person's suspension");

    monitoring.close();
    monitoring = Monitoring.start(dir.resolve("state"), Clock.systemUTC(), listener());
    ModelMonitor restarted = monitor();
    assertTrue(restarted.suspended(), "the suspension survives a restart");

    monitoring.resume(restarted, "operator:dave", "reviewed").get();
    assertEquals(SafetyLevel.NORMAL, restarted.level());
    assertEquals(
        List.of(
            "NORMAL->SUSPEND [suspended by operator:carol: recalled by the ward]",
            "SUSPEND->NORMAL [resumed by operator:dave: reviewed]"),
        events);
  }

  private ModelMonitor monitor() {
    return monitoring.monitor(Traffic.MANIFEST, reference, MonitorOptions.of(Traffic.MANIFEST));
  }

  private final List<WindowResult> results = new ArrayList<>();

  private List<WindowResult> closed() {
    return results;
  }

  private SafetyListener listener() {
    return new SafetyListener() {
      @Override
      public void windowClosed(ModelMonitor monitor, WindowResult window) {
        results.add(window);
      }

      @Override
      public void levelChanged(
          ModelMonitor monitor,
          SafetyLevel from,
          SafetyLevel to,
          List<String> reasons,
          String actor) {
        events.add(from + "->" + to + " " + reasons);
      }
    };
  }
}
