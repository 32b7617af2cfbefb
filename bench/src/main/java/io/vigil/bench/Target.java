package io.vigil.bench;

import java.util.Optional;

/**
 * One target of the issue with its goal, the measured value and whether it holds; {@code holds} is
 * empty where the target could not be measured in this run. A target with a {@code key} is one of
 * the request path's guarded targets (issue 19): a miss fails {@code bench/run} ({@link
 * TargetGate}) and its {@code value} goes into {@code bench/history.tsv} ({@link TargetHistory}).
 *
 * @param key the guarded target's column in the history; empty for an unguarded target
 * @param value the number compared with the goal, in the unit its key names; NaN for none
 */
record Target(
    String name, String goal, String measured, Optional<Boolean> holds, String key, double value) {

  /** An unguarded target. */
  Target(String name, String goal, String measured, Optional<Boolean> holds) {
    this(name, goal, measured, holds, "", Double.NaN);
  }

  /** A target measured as {@code value} against an upper or lower bound. */
  static Target bound(
      String name, String goal, double value, String measured, boolean atMost, double bound) {
    if (Double.isNaN(value)) {
      return notMeasured(name, goal, measured);
    }
    return new Target(
        name, goal, measured, Optional.of(atMost ? value <= bound : value >= bound), "", value);
  }

  /** A target that this run could not measure, and why. */
  static Target notMeasured(String name, String goal, String why) {
    return new Target(name, goal, why, Optional.empty());
  }

  /** This target, guarded under {@code key}: a miss fails the run. */
  Target guarded(String key) {
    if (key.isBlank()) {
      throw new IllegalArgumentException("key is blank");
    }
    return new Target(name, goal, measured, holds, key, value);
  }

  /** Whether it is one of the request path's guarded targets. */
  boolean isGuarded() {
    return !key.isEmpty();
  }

  /** Whether it was measured and does not hold. */
  boolean missed() {
    return holds.isPresent() && !holds.get();
  }

  /** "yes", "**no**" or "n/a". */
  String verdict() {
    return holds.map(h -> h ? "yes" : "**no**").orElse("n/a");
  }
}
