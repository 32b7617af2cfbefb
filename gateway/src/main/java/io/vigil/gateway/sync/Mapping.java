package io.vigil.gateway.sync;

import io.vigil.monitoring.WindowResult;
import io.vigil.sync.message.DriftWindow;
import io.vigil.sync.message.EventKind;
import io.vigil.sync.message.FeatureDrift;
import io.vigil.sync.message.ModelRef;
import io.vigil.sync.message.SafetyLevel;
import java.util.Locale;
import java.util.Optional;

/** The monitoring module's results as sync's message records, which depend on neither module. */
final class Mapping {

  private Mapping() {}

  static SafetyLevel level(io.vigil.monitoring.SafetyLevel level) {
    return SafetyLevel.valueOf(level.name());
  }

  static DriftWindow window(ModelRef model, WindowResult w) {
    double[] cusum = w.cusum();
    return new DriftWindow(
        model,
        w.index(),
        w.opened(),
        w.closed(),
        w.rows(),
        w.missingRows(),
        w.verdict(),
        w.features().stream().map(Mapping::feature).toList(),
        feature(w.score()),
        finite(w.positiveRate()),
        finite(w.referencePositiveRate()),
        finite(w.positiveLower()),
        finite(w.positiveUpper()),
        finite(cusum[0]),
        finite(cusum[1]),
        level(w.level()));
  }

  private static FeatureDrift feature(WindowResult.FeatureResult f) {
    return new FeatureDrift(
        f.name(),
        finite(f.psi()),
        finite(f.psiNoise()),
        finite(f.ksDelta()),
        finite(f.ksThreshold()),
        finite(f.outOfDistributionRate()),
        finite(f.outOfRangeRate()),
        f.drifts());
  }

  /**
   * The event a change of level is told upstream with at once: reaching alert or suspend, or
   * leaving suspend; none for the lesser changes, which the next summary carries.
   */
  static Optional<EventKind> eventOf(
      io.vigil.monitoring.SafetyLevel from, io.vigil.monitoring.SafetyLevel to) {
    if (to == io.vigil.monitoring.SafetyLevel.SUSPEND) {
      return Optional.of(EventKind.SUSPENDED);
    }
    if (from == io.vigil.monitoring.SafetyLevel.SUSPEND) {
      return Optional.of(EventKind.RESUMED);
    }
    if (to == io.vigil.monitoring.SafetyLevel.ALERT && from.compareTo(to) < 0) {
      return Optional.of(EventKind.ALERT);
    }
    return Optional.empty();
  }

  /**
   * The reason code of a change to {@code to}: the policy's when the gateway changed it, else a
   * person's suspend or resume, by the manufacturer's command or an operator.
   */
  static String reasonOf(String actor, io.vigil.monitoring.SafetyLevel to) {
    if (actor.equals("system")) {
      return "safety.policy";
    }
    String act = to == io.vigil.monitoring.SafetyLevel.SUSPEND ? "suspend" : "resume";
    return (actor.startsWith("command:") ? "command." : "operator.") + act;
  }

  /** A check's name ({@code mix-and-match}) as a code ({@code mix_and_match}). */
  static String code(String check) {
    String c = check.toLowerCase(Locale.ROOT).replaceAll("[^a-z_.]", "_");
    return c.matches("[a-z_]{1,32}(\\.[a-z_]{1,32}){0,3}") ? c : "unknown";
  }

  /** A name for a message's model field from text that is not a verified model id. */
  static String name(String text) {
    String n = text.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    n = n.length() > 64 ? n.substring(0, 64) : n;
    return n.isEmpty() ? "unknown" : n;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  /** Confusion counts as a summary carries them. */
  static io.vigil.sync.message.OutcomeCounts.Cells cells(
      io.vigil.monitoring.LivePerformance.Counts c) {
    return new io.vigil.sync.message.OutcomeCounts.Cells(c.tp(), c.fp(), c.tn(), c.fn());
  }
}
