package io.vigil.bench;

import java.util.List;

/**
 * No regression hides: a run in which any of the request path's guarded targets ({@link
 * RequestPathTargets}) was measured and missed ends with {@link #EXIT_MISSED}, after its results
 * are written, and says so in a banner that names each missed target with its measured value.
 */
final class TargetGate {

  /** {@code bench/run}'s exit status when a guarded target was missed. */
  static final int EXIT_MISSED = 3;

  private TargetGate() {}

  /** The guarded targets measured and missed, in the table's order. */
  static List<Target> missed(List<Target> targets) {
    return targets.stream().filter(t -> t.isGuarded() && t.missed()).toList();
  }

  /**
   * The guarded targets this run could not measure: they fail nothing, but the banner names them.
   */
  static List<Target> unmeasured(List<Target> targets) {
    return targets.stream().filter(t -> t.isGuarded() && t.holds().isEmpty()).toList();
  }

  /** {@link #EXIT_MISSED} when a guarded target was missed and failing is wanted, else 0. */
  static int exitStatus(List<Target> targets, boolean noFail) {
    return !noFail && !missed(targets).isEmpty() ? EXIT_MISSED : 0;
  }

  /**
   * What the run prints last: every missed guarded target with its goal and measured value, every
   * unmeasured one, and what the exit status will be; empty when every guarded target held.
   */
  static String banner(List<Target> targets, boolean noFail) {
    List<Target> missed = missed(targets);
    List<Target> unmeasured = unmeasured(targets);
    if (missed.isEmpty() && unmeasured.isEmpty()) {
      return "";
    }
    String rule = "=".repeat(78);
    StringBuilder b = new StringBuilder(rule).append('\n');
    if (missed.isEmpty()) {
      b.append("bench: every guarded target that was measured held (issue 19)\n");
    } else {
      b.append("bench: MISSED ")
          .append(missed.size())
          .append(" of the request path's guarded targets (issue 19):\n");
      for (Target t : missed) {
        b.append("  - ")
            .append(t.name())
            .append(": goal ")
            .append(t.goal())
            .append(", measured ")
            .append(t.measured())
            .append('\n');
      }
    }
    for (Target t : unmeasured) {
      b.append("  (not measured: ")
          .append(t.name())
          .append(": ")
          .append(t.measured())
          .append(")\n");
    }
    if (!missed.isEmpty()) {
      b.append(
          noFail
              ? "bench: --no-fail given: exit status 0 all the same\n"
              : "bench: exit status " + EXIT_MISSED + " (--no-fail measures without failing)\n");
    }
    return b.append(rule).append('\n').toString();
  }
}
