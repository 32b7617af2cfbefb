package io.vigil.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * A model version's real-world performance at its operating threshold, from the outcomes the
 * hospital returned: since the version was activated and over the last {@code windowOutcomes}
 * outcomes, for the whole population and per declared subgroup, with the delay between prediction
 * and outcome and the verdict of the patient-safety rule.
 *
 * @param verdict {@code NORMAL}, or the manifest's action when a claimed metric's interval lies
 *     below its floor
 * @param reasons why, one line per breached floor
 */
public record LivePerformance(
    int windowOutcomes,
    int minOutcomes,
    List<Group> groups,
    Delay delay,
    SafetyLevel verdict,
    List<String> reasons) {

  /** The name of the whole population, as manifests name it. */
  public static final String ALL = "all";

  public LivePerformance {
    groups = List.copyOf(groups);
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
  }

  /** The whole population's figures. */
  public Group all() {
    return groups.get(0);
  }

  /** One population's figures: {@link #ALL} first, then each subgroup the manifest declares. */
  public record Group(String subgroup, Counts sinceActivation, Counts window) {}

  /** The confusion counts of a span of outcomes and the four metrics with their intervals. */
  public record Counts(long tp, long fp, long tn, long fn) {

    /** The outcomes counted. */
    public long total() {
      return tp + fp + tn + fn;
    }

    /** True positives among the positive outcomes. */
    public Estimate sensitivity() {
      return Estimate.of(tp, tp + fn);
    }

    /** True negatives among the negative outcomes. */
    public Estimate specificity() {
      return Estimate.of(tn, tn + fp);
    }

    /** Positive outcomes among the positive predictions. */
    public Estimate ppv() {
      return Estimate.of(tp, tp + fp);
    }

    /** Negative outcomes among the negative predictions. */
    public Estimate npv() {
      return Estimate.of(tn, tn + fn);
    }

    /** The metric a manifest names ({@code sensitivity}, {@code specificity}, {@code ppv}...). */
    public java.util.Optional<Estimate> metric(String name) {
      return switch (name) {
        case "sensitivity" -> java.util.Optional.of(sensitivity());
        case "specificity" -> java.util.Optional.of(specificity());
        case "ppv" -> java.util.Optional.of(ppv());
        case "npv" -> java.util.Optional.of(npv());
        default -> java.util.Optional.empty();
      };
    }
  }

  /**
   * A proportion with its Wilson 95% interval; {@code value} is NaN and the interval [0, 1] while
   * the denominator is 0.
   */
  public record Estimate(long successes, long trials, double value, double low, double high) {

    static Estimate of(long successes, long trials) {
      double[] ci = Wilson.interval(successes, trials);
      return new Estimate(
          successes, trials, trials == 0 ? Double.NaN : (double) successes / trials, ci[0], ci[1]);
    }
  }

  /**
   * The time from prediction to outcome: the mean since activation, the median and largest in the
   * window, in milliseconds (0 while there is no outcome).
   */
  public record Delay(long meanMillis, long windowMedianMillis, long windowMaxMillis) {}
}
