package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.monitoring.LivePerformance.Counts;
import io.vigil.monitoring.LivePerformance.Delay;
import io.vigil.monitoring.LivePerformance.Group;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The confusion counts of one model version at its operating threshold, since activation and over
 * the last {@link #WINDOW_OUTCOMES} outcomes, and the patient-safety rule on them: a claimed metric
 * whose window interval lies wholly below the floor its PCCP declares, once its denominator holds
 * {@code safety.min_outcomes}, raises the manifest's action. Pure logic, used by one thread.
 */
final class PerformanceTracker {

  /** The outcomes the rolling window holds. */
  static final int WINDOW_OUTCOMES = 500;

  private static final int TP = 0;
  private static final int FP = 1;
  private static final int TN = 2;
  private static final int FN = 3;

  private final double threshold;
  private final int minOutcomes;
  private final int windowSize;
  private final SafetyLevel action;
  private final List<String> subgroups;
  private final List<Metric> floors;

  // One row per group: the whole population, then each declared subgroup.
  private final long[][] since;
  private final long[][] window;
  private long delaySum;

  // The window's ring: the cell, the group (0 for none) and the delay of each outcome.
  private final byte[] ringCell;
  private final int[] ringGroup;
  private final long[] ringDelay;
  private int ringStart;
  private int ringSize;

  PerformanceTracker(Manifest manifest) {
    this(manifest, WINDOW_OUTCOMES);
  }

  PerformanceTracker(Manifest manifest, int windowSize) {
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize < 1");
    }
    this.threshold = manifest.decision().threshold();
    this.minOutcomes = manifest.safety().minOutcomes();
    this.windowSize = windowSize;
    this.action =
        manifest.safety().performanceAction().equals(Manifest.Safety.SUSPEND)
            ? SafetyLevel.SUSPEND
            : SafetyLevel.ALERT;
    List<String> groups = new ArrayList<>();
    groups.add(LivePerformance.ALL);
    List<Metric> claimed = new ArrayList<>();
    for (Metric m : manifest.performance().metrics()) {
      if (new Counts(0, 0, 0, 0).metric(m.name()).isEmpty()) {
        continue; // auc and other metrics that no threshold's counts give
      }
      claimed.add(m);
      if (!groups.contains(m.subgroup())) {
        groups.add(m.subgroup());
      }
    }
    this.subgroups = List.copyOf(groups);
    this.floors = List.copyOf(claimed);
    this.since = new long[groups.size()][4];
    this.window = new long[groups.size()][4];
    this.ringCell = new byte[windowSize];
    this.ringGroup = new int[windowSize];
    this.ringDelay = new long[windowSize];
  }

  /** The subgroups an outcome may name: those the manifest claims a metric for, and "all". */
  List<String> subgroups() {
    return subgroups;
  }

  /** Counts one outcome; the oldest leaves the window when it is full. */
  void add(Outcome outcome) {
    boolean predicted = outcome.score() >= threshold;
    int cell = predicted ? (outcome.positive() ? TP : FP) : (outcome.positive() ? FN : TN);
    int group = Math.max(0, subgroups.indexOf(outcome.subgroup()));
    if (ringSize == windowSize) {
      int oldest = ringStart;
      count(window, ringGroup[oldest], ringCell[oldest], -1);
      ringStart = (ringStart + 1) % windowSize;
      ringSize--;
    }
    int slot = (ringStart + ringSize) % windowSize;
    ringCell[slot] = (byte) cell;
    ringGroup[slot] = group;
    ringDelay[slot] = outcome.delayMillis();
    ringSize++;
    count(window, group, cell, 1);
    count(since, group, cell, 1);
    delaySum += outcome.delayMillis();
  }

  /** Empties the window (a resumed model is judged on the outcomes after its resumption). */
  void resetWindow() {
    for (long[] row : window) {
      Arrays.fill(row, 0);
    }
    ringStart = 0;
    ringSize = 0;
  }

  private static void count(long[][] counts, int group, int cell, int by) {
    counts[0][cell] += by;
    if (group > 0) {
      counts[group][cell] += by;
    }
  }

  /** The counts, intervals, delays and the rule's verdict now. */
  LivePerformance snapshot() {
    List<Group> groups = new ArrayList<>(subgroups.size());
    for (int g = 0; g < subgroups.size(); g++) {
      groups.add(new Group(subgroups.get(g), counts(since[g]), counts(window[g])));
    }
    List<String> reasons = breaches();
    return new LivePerformance(
        windowSize,
        minOutcomes,
        groups,
        delay(),
        reasons.isEmpty() ? SafetyLevel.NORMAL : action,
        reasons);
  }

  /** The rule's verdict alone: what each outcome is judged by. */
  SafetyLevel verdict() {
    return breaches().isEmpty() ? SafetyLevel.NORMAL : action;
  }

  /** One line per claimed metric whose window interval lies below its floor. */
  List<String> breaches() {
    List<String> reasons = List.of();
    for (Metric m : floors) {
      LivePerformance.Estimate e =
          counts(window[subgroups.indexOf(m.subgroup())]).metric(m.name()).orElseThrow();
      if (e.trials() >= minOutcomes && e.high() < m.floor()) {
        if (reasons.isEmpty()) {
          reasons = new ArrayList<>();
        }
        reasons.add(
            String.format(
                Locale.ROOT,
                "live %s%s %.3f (95%% CI %.3f-%.3f, %d of %d in the last %d outcomes) is below"
                    + " the PCCP's floor %.3f (claimed %.3f)",
                m.name(),
                m.subgroup().equals(LivePerformance.ALL) ? "" : " of " + m.subgroup(),
                e.value(),
                e.low(),
                e.high(),
                e.successes(),
                e.trials(),
                ringSize,
                m.floor(),
                m.value()));
      }
    }
    return reasons;
  }

  private Delay delay() {
    long total = since[0][TP] + since[0][FP] + since[0][TN] + since[0][FN];
    if (ringSize == 0) {
      return new Delay(total == 0 ? 0 : delaySum / total, 0, 0);
    }
    long[] delays = new long[ringSize];
    for (int i = 0; i < ringSize; i++) {
      delays[i] = ringDelay[(ringStart + i) % windowSize];
    }
    Arrays.sort(delays);
    return new Delay(delaySum / total, delays[ringSize / 2], delays[ringSize - 1]);
  }

  private static Counts counts(long[] c) {
    return new Counts(c[TP], c[FP], c[TN], c[FN]);
  }
}
