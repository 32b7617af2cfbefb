package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Safety;
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

class ModelMonitorOutcomesTest {

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
  void outcomesThatMatchTheClaimKeepTheModelNormal() {
    ModelMonitor m = monitor(Claims.manifest());
    Random random = new Random(1);
    for (int i = 0; i < 1_000; i++) {
      m.outcome(Claims.draw(random, 0.37, Claims.SENSITIVITY, Claims.SPECIFICITY));
    }
    monitoring.drainNow();
    assertEquals(SafetyLevel.NORMAL, m.level());
    assertEquals(1_000, m.performance().all().sinceActivation().total());
    assertEquals(500, m.performance().all().window().total());
    assertEquals(List.of(), events);
  }

  @Test
  void aSensitivityBelowItsFloorAlertsAndAWindowOfCalmDriftKeepsTheAlert() {
    // given a model that misses every third positive
    ModelMonitor m = monitor(Claims.manifest());
    for (int i = 0; i < 60; i++) {
      m.outcome(new Outcome(i % 3 == 0 ? 0.1 : 0.9, true, Outcome.NO_SUBGROUP, 0));
    }
    monitoring.drainNow();

    // then it is alerted, with the breached floor as the reason
    assertEquals(SafetyLevel.ALERT, m.level());
    assertTrue(m.reasons().get(0).startsWith("live sensitivity 0.6"), m.reasons().toString());

    // when a calm drift window closes
    Traffic.send(m, new Random(2), 500, 1, 0);
    monitoring.drainNow();

    // then the alert stays: the level is the worse of drift and performance
    assertEquals(SafetyLevel.ALERT, m.level());
    assertEquals(1, events.size(), events.toString());
  }

  @Test
  void aSuspendingManifestSuspendsAndAResumptionJudgesOnlyLaterOutcomes() throws Exception {
    ModelMonitor m = monitor(Claims.manifest(Safety.SUSPEND, List.of()));
    for (int i = 0; i < 40; i++) {
      m.outcome(new Outcome(0.1, true, Outcome.NO_SUBGROUP, 0));
    }
    monitoring.drainNow();
    assertTrue(m.suspended());

    monitoring.resume(m, "operator:dave", "model reviewed").get();
    m.outcome(new Outcome(0.1, true, Outcome.NO_SUBGROUP, 0));
    monitoring.drainNow();

    assertEquals(SafetyLevel.NORMAL, m.level());
    assertEquals(0, m.performance().all().window().total() - 1);
    assertEquals(41, m.performance().all().sinceActivation().total());
  }

  private ModelMonitor monitor(Manifest manifest) {
    return monitoring.monitor(manifest, reference, MonitorOptions.of(manifest));
  }

  private SafetyListener listener() {
    return new SafetyListener() {
      @Override
      public void windowClosed(ModelMonitor monitor, WindowResult window) {}

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
