package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.Safety;
import java.util.List;

/** The test model with claimed sensitivity and specificity and the PCCP's floors under them. */
final class Claims {

  /** The claimed sensitivity and its floor: the drop the README's figure is about. */
  static final double SENSITIVITY = 0.95;

  static final double SENSITIVITY_FLOOR = 0.90;
  static final double SPECIFICITY = 0.95;
  static final double SPECIFICITY_FLOOR = 0.85;

  private Claims() {}

  /** The manifest, whose breaches {@code action} ({@code alert} or {@code suspend}). */
  static Manifest manifest(String action, List<Metric> extra) {
    Manifest m = Traffic.MANIFEST;
    Safety s = m.safety();
    List<Metric> metrics =
        new java.util.ArrayList<>(
            List.of(
                new Metric("auc", "all", 0.97, 0.95, 0.99, 0.9),
                new Metric("sensitivity", "all", SENSITIVITY, 0.9, 0.98, SENSITIVITY_FLOOR),
                new Metric("specificity", "all", SPECIFICITY, 0.9, 0.98, SPECIFICITY_FLOOR)));
    metrics.addAll(extra);
    return new Manifest(
        m.modelId(),
        m.version(),
        m.release(),
        m.platform(),
        m.intendedUse(),
        m.demo(),
        m.pccp(),
        m.inputs(),
        m.outputs(),
        m.decision(),
        new Performance("synthetic", metrics),
        new Safety(
            s.windowRows(),
            s.minWindowRows(),
            s.psiWarn(),
            s.psiAlert(),
            s.positiveRateSuspendRatio(),
            s.probationPredictions(),
            s.shadowMinPredictions(),
            s.minOutcomes(),
            action),
        m.files());
  }

  static Manifest manifest() {
    return manifest(Safety.ALERT, List.of());
  }

  /**
   * One outcome from a population of {@code prevalence} positives, predicted with these true
   * sensitivity and specificity (the score on the right side of the threshold 0.5 or not).
   */
  static Outcome draw(
      java.util.Random random, double prevalence, double sensitivity, double specificity) {
    boolean positive = random.nextDouble() < prevalence;
    boolean predicted =
        positive ? random.nextDouble() < sensitivity : random.nextDouble() >= specificity;
    return new Outcome(predicted ? 0.9 : 0.1, positive, Outcome.NO_SUBGROUP, 60_000);
  }
}
