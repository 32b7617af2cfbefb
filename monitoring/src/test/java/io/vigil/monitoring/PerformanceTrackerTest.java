package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Safety;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerformanceTrackerTest {

  /** The demo model's share of malignant cases, which turns positives into outcomes. */
  private static final double PREVALENCE = 0.37;

  @Test
  void countsEachOutcomeAtTheOperatingThreshold() {
    // given the test model, whose threshold is 0.5
    PerformanceTracker t = new PerformanceTracker(Claims.manifest());

    // when one outcome of each cell arrives, a score at the threshold counting as positive
    t.add(new Outcome(0.5, true, Outcome.NO_SUBGROUP, 1_000));
    t.add(new Outcome(0.7, false, Outcome.NO_SUBGROUP, 2_000));
    t.add(new Outcome(0.2, false, Outcome.NO_SUBGROUP, 3_000));
    t.add(new Outcome(0.49, true, Outcome.NO_SUBGROUP, 10_000));

    // then
    LivePerformance p = t.snapshot();
    assertEquals(new LivePerformance.Counts(1, 1, 1, 1), p.all().sinceActivation());
    assertEquals(p.all().sinceActivation(), p.all().window());
    assertEquals(0.5, p.all().window().sensitivity().value());
    assertEquals(new LivePerformance.Delay(4_000, 3_000, 10_000), p.delay());
    assertEquals(SafetyLevel.NORMAL, p.verdict());
  }

  @Test
  void theWindowKeepsOnlyTheLastOutcomesWhileSinceActivationKeepsAll() {
    PerformanceTracker t = new PerformanceTracker(Claims.manifest(), 10);
    for (int i = 0; i < 25; i++) {
      t.add(new Outcome(0.9, i < 15, Outcome.NO_SUBGROUP, 0));
    }
    LivePerformance p = t.snapshot();
    assertEquals(new LivePerformance.Counts(15, 10, 0, 0), p.all().sinceActivation());
    assertEquals(new LivePerformance.Counts(0, 10, 0, 0), p.all().window());
  }

  @Test
  void countsASubgroupThatTheManifestClaimsAMetricFor() {
    // given a manifest that claims sensitivity for patients of 65 and over
    PerformanceTracker t =
        new PerformanceTracker(
            Claims.manifest(
                Safety.ALERT,
                List.of(new Metric("sensitivity", "age>=65", 0.93, 0.85, 0.97, 0.9))));
    assertEquals(List.of("all", "age>=65"), t.subgroups());

    // when 40 positives of that subgroup are all missed, and 40 others are all found
    for (int i = 0; i < 40; i++) {
      t.add(new Outcome(0.1, true, "age>=65", 0));
      t.add(new Outcome(0.9, true, Outcome.NO_SUBGROUP, 0));
    }

    // then the subgroup's own floor is breached, the whole population's too (40 of 80)
    LivePerformance p = t.snapshot();
    assertEquals(new LivePerformance.Counts(0, 0, 0, 40), p.groups().get(1).window());
    assertEquals(SafetyLevel.ALERT, p.verdict());
    assertTrue(
        p.reasons().stream().anyMatch(r -> r.startsWith("live sensitivity of age>=65 0.000")));
  }

  @Test
  void noVerdictBeforeTheMinimumOfPositives() {
    // given every positive missed
    PerformanceTracker t = new PerformanceTracker(Claims.manifest());
    for (int i = 1; i < Safety.DEFAULT_MIN_OUTCOMES; i++) {
      t.add(new Outcome(0.1, true, Outcome.NO_SUBGROUP, 0));
      assertEquals(SafetyLevel.NORMAL, t.verdict(), i + " positives");
    }
    // then the 30th positive is the first that can raise it
    t.add(new Outcome(0.1, true, Outcome.NO_SUBGROUP, 0));
    assertEquals(SafetyLevel.ALERT, t.verdict());
  }

  @Test
  void aSuspendingManifestSuspends() {
    PerformanceTracker t = new PerformanceTracker(Claims.manifest(Safety.SUSPEND, List.of()));
    for (int i = 0; i < 30; i++) {
      t.add(new Outcome(0.1, true, Outcome.NO_SUBGROUP, 0));
    }
    assertEquals(SafetyLevel.SUSPEND, t.verdict());
  }

  /**
   * The README's figures: how many outcomes the rule needs to see a sensitivity that fell from the
   * claimed 0.95 to 0.80 (floor 0.90), and how often it fires when the model keeps its claim, over
   * 2,000 deterministic runs at the demo model's prevalence.
   */
  @Test
  void detectsASensitivityDropFrom095To080WithinAFewHundredOutcomesAndRarelyFiresFalsely() {
    Random random = new Random(18);
    int runs = 2_000;

    // given a model whose true sensitivity is 0.80 from its first outcome
    int[] outcomes = new int[runs];
    int[] positives = new int[runs];
    for (int r = 0; r < runs; r++) {
      PerformanceTracker t = new PerformanceTracker(Claims.manifest());
      int n = 0;
      int pos = 0;
      while (t.verdict() == SafetyLevel.NORMAL) {
        Outcome o = Claims.draw(random, PREVALENCE, 0.80, Claims.SPECIFICITY);
        t.add(o);
        n++;
        pos += o.positive() ? 1 : 0;
      }
      outcomes[r] = n;
      positives[r] = pos;
    }

    // and a model that drops to 0.80 after 1,000 outcomes at its claim (the window holds 500)
    int[] afterDrop = new int[runs];
    for (int r = 0; r < runs; r++) {
      PerformanceTracker t = new PerformanceTracker(Claims.manifest());
      for (int i = 0; i < 1_000; i++) {
        t.add(Claims.draw(random, PREVALENCE, Claims.SENSITIVITY, Claims.SPECIFICITY));
      }
      int n = 0;
      while (t.verdict() == SafetyLevel.NORMAL && n < 5_000) {
        t.add(Claims.draw(random, PREVALENCE, 0.80, Claims.SPECIFICITY));
        n++;
      }
      afterDrop[r] = n;
    }

    // and a model that keeps its claim for 5,000 outcomes, judged after each one
    int alarms = 0;
    for (int r = 0; r < runs; r++) {
      PerformanceTracker t = new PerformanceTracker(Claims.manifest());
      for (int i = 0; i < 5_000; i++) {
        t.add(Claims.draw(random, PREVALENCE, Claims.SENSITIVITY, Claims.SPECIFICITY));
        if (t.verdict() != SafetyLevel.NORMAL) {
          alarms++;
          break;
        }
      }
    }

    Arrays.sort(outcomes);
    Arrays.sort(positives);
    Arrays.sort(afterDrop);
    System.out.printf(
        "sensitivity 0.80 from the start: outcomes to alert median %d, 95th percentile %d"
            + " (positives median %d, 95th %d, min %d)%n",
        outcomes[runs / 2],
        outcomes[runs * 95 / 100],
        positives[runs / 2],
        positives[runs * 95 / 100],
        positives[0]);
    System.out.printf(
        "drop to 0.80 after 1,000 outcomes at 0.95: outcomes to alert median %d, 95th %d%n",
        afterDrop[runs / 2], afterDrop[runs * 95 / 100]);
    System.out.printf(
        "false alarms at the claim over 5,000 outcomes: %d of %d runs (%.2f%%)%n",
        alarms, runs, 100.0 * alarms / runs);

    // then never before the minimum, mostly within 300 outcomes, and false alarms below 1%
    assertTrue(positives[0] >= Safety.DEFAULT_MIN_OUTCOMES, "min positives " + positives[0]);
    assertTrue(outcomes[runs * 95 / 100] <= 600, "95th percentile " + outcomes[runs * 95 / 100]);
    assertTrue(afterDrop[runs * 95 / 100] < 5_000, "after a drop " + afterDrop[runs * 95 / 100]);
    assertTrue(alarms < runs / 100, alarms + " false alarms");
  }
}
