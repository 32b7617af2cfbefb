package io.vigil.bench;

import java.util.Optional;

/**
 * One target of the issue with its goal, the measured value and whether it holds; {@code holds} is
 * empty where the target could not be measured in this run.
 */
record Target(String name, String goal, String measured, Optional<Boolean> holds) {

  /** A target measured as {@code value} against an upper or lower bound. */
  static Target bound(
      String name, String goal, double value, String measured, boolean atMost, double bound) {
    if (Double.isNaN(value)) {
      return notMeasured(name, goal, measured);
    }
    return new Target(name, goal, measured, Optional.of(atMost ? value <= bound : value >= bound));
  }

  /** A target that this run could not measure, and why. */
  static Target notMeasured(String name, String goal, String why) {
    return new Target(name, goal, why, Optional.empty());
  }

  /** "yes", "**no**" or "n/a". */
  String verdict() {
    return holds.map(h -> h ? "yes" : "**no**").orElse("n/a");
  }
}
