package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import io.vigil.monitoring.WindowResult.FeatureResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.KolmogorovSmirnov;

/**
 * The manifest's {@code safety} block applied to one closed window (../DESIGN.md, "Monitoring and
 * patient safety"). Every drift test of a window together is held to a false-alarm probability of
 * {@link #ALPHA}: each of the F features and the score is tested at {@code ALPHA / (F + 1)}, and a
 * PSI counts only by as much as it exceeds what sampling noise gives for a window and a reference
 * of these sizes: the manifest's thresholds apply to the drift that noise does not explain.
 */
final class SafetyPolicy {

  /** The family-wise false-alarm probability of one window's drift tests. */
  static final double ALPHA = 0.01;

  /** A rise of the missing rate, in points, that warns. */
  static final double MISSING_WARN_POINTS = 0.05;

  /** The missing rate at which the model cannot serve its patients: required inputs are missing. */
  static final double MISSING_SUSPEND_RATE = 0.5;

  /** The out-of-range share of one feature that warns. */
  static final double OUT_OF_RANGE_WARN = 0.01;

  /** The two-sided normal quantile of the positive rate's 99% control limits. */
  static final double CONTROL_Z = 2.5758;

  /**
   * CUSUM allowance and decision interval, in standard errors of one window: a shift of two
   * standard errors fires within about six windows, while the error of an estimated baseline does
   * not add up to a false alarm.
   */
  static final double CUSUM_K = 0.5;

  static final double CUSUM_H = 8.0;

  private final Manifest manifest;
  private final ReferenceProfile reference;
  private final List<Manifest.Feature> features;
  private final List<Distribution> distributions;
  private final double perTestAlpha;
  private final double zCritical;

  private final int minRows;
  private final List<KllFloatsSketch> referenceSketches;
  private final KllFloatsSketch scoreSketch;

  SafetyPolicy(
      Manifest manifest, ReferenceProfile reference, List<Manifest.Feature> features, int minRows) {
    this.manifest = manifest;
    this.minRows = minRows;
    this.reference = reference;
    this.features = List.copyOf(features);
    this.distributions =
        features.stream()
            .map(
                f ->
                    reference
                        .feature(f.name())
                        .orElseThrow(
                            () ->
                                new MonitoringException(
                                    MonitoringException.Code.PROFILE_UNUSABLE,
                                    "the reference profile has no feature " + f.name()))
                        .values())
            .toList();
    this.referenceSketches = distributions.stream().map(Distribution::sketch).toList();
    this.scoreSketch = reference.score().values().sketch();
    this.perTestAlpha = ALPHA / (features.size() + 1);
    this.zCritical = Statistics.normalQuantile(1 - perTestAlpha);
  }

  List<Distribution> distributions() {
    return distributions;
  }

  /**
   * What carries from one window to the next: the CUSUMs, their baseline and the run of windows out
   * of limits.
   */
  static final class Carried {
    double cusumUp;
    double cusumDown;
    int outsideLimits;
    long baselineRows;
    long baselinePositives;
    int baselineWindows;
  }

  /**
   * Windows that set the CUSUM's baseline (phase I of a control chart): the reference's positive
   * rate comes from a few hundred rows at most, and its error, the same in every window, would add
   * up in a CUSUM against it. The control limits, one window at a time, use the reference.
   */
  static final int BASELINE_WINDOWS = 8;

  WindowResult evaluate(long index, Window w, Instant closed, Carried carried) {
    Manifest.Safety s = manifest.safety();
    long n = w.rows;
    long nRef = reference.rows();
    boolean verdict = n >= minRows;
    List<String> reasons = new ArrayList<>();
    SafetyLevel level = SafetyLevel.NORMAL;
    List<FeatureResult> results = new ArrayList<>();
    int drifting = 0;
    boolean strong = false;
    // The band's edges are the reference's own extreme ranks, whose tail share is itself uncertain
    // (about a Poisson count of 1% of its rows): the expected share is taken at its upper 3-sigma
    // bound, so that a reference with an unluckily narrow band does not warn on calm traffic.
    double pOod = Math.max(0.01, 2.0 / (nRef + 1)) + 3 * Math.sqrt(0.01 / nRef);
    for (int f = 0; f < features.size(); f++) {
      Distribution ref = distributions.get(f);
      FeatureResult r =
          compare(
              features.get(f).name(),
              w.bins[f],
              w.sketches[f],
              ref,
              referenceSketches.get(f),
              n,
              w.outOfDistribution[f],
              w.outOfRange[f],
              verdict);
      results.add(r);
      if (!verdict) {
        continue;
      }
      if (r.drifts()) {
        drifting++;
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s drifts: PSI %.3f (noise %.3f), KS %.3f (threshold %.3f)",
                r.name(),
                r.psi(),
                r.psiNoise(),
                r.ksDelta(),
                r.ksThreshold()));
        level = level.max(SafetyLevel.WARN);
        if (r.psi() - r.psiNoise() >= s.psiAlert()) {
          strong = true;
          reasons.add(
              String.format(
                  Locale.ROOT,
                  "%s: PSI %.3f, %.3f above its noise, >= %.2f",
                  r.name(),
                  r.psi(),
                  r.psi() - r.psiNoise(),
                  s.psiAlert()));
        }
      }
      double oodRate = r.outOfDistributionRate();
      double z = (oodRate - pOod) / Math.sqrt(pOod * (1 - pOod) / n);
      if (oodRate >= 2 * pOod && z > zCritical) {
        level = level.max(SafetyLevel.WARN);
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: %.1f%% of values outside the reference 0.5-99.5 percentile band (expected %.1f%%)",
                r.name(),
                100 * oodRate,
                100 * pOod));
      }
      if (r.outOfRangeRate() >= OUT_OF_RANGE_WARN) {
        level = level.max(SafetyLevel.WARN);
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: %.1f%% of values outside the manifest's plausible range",
                r.name(),
                100 * r.outOfRangeRate()));
      }
    }
    ReferenceProfile.ScoreProfile scoreRef = reference.score();
    FeatureResult score =
        compare(
            scoreRef.output(),
            w.scoreBins,
            w.scoreSketch,
            scoreRef.values(),
            scoreSketch,
            n,
            0,
            0,
            verdict);
    // A reference without positives (or without negatives) still gets limits: half a row's share.
    double p0 = Math.min(Math.max(scoreRef.positiveRate(), 0.5 / nRef), 1 - 0.5 / nRef);
    double p = n == 0 ? 0 : w.positives / (double) n;
    double sigma = n == 0 ? 1 : Math.sqrt(Math.max(p0 * (1 - p0), 1e-6) * (1.0 / n + 1.0 / nRef));
    double lower = Math.max(0, p0 - CONTROL_Z * sigma);
    double upper = Math.min(1, p0 + CONTROL_Z * sigma);
    if (verdict) {
      if (score.drifts()) {
        level = level.max(SafetyLevel.WARN);
        reasons.add(
            String.format(
                Locale.ROOT,
                "the score %s drifts: PSI %.3f (noise %.3f), KS %.3f (threshold %.3f)",
                score.name(),
                score.psi(),
                score.psiNoise(),
                score.ksDelta(),
                score.ksThreshold()));
      }
      if (drifting * 2 >= features.size() && drifting > 0) {
        level = level.max(SafetyLevel.ALERT);
        reasons.add(drifting + " of " + features.size() + " features drift");
      }
      if (strong) {
        level = level.max(SafetyLevel.ALERT);
      }
      double z = (p - p0) / sigma;
      carried.outsideLimits = p < lower || p > upper ? carried.outsideLimits + 1 : 0;
      if (carried.outsideLimits >= 2) {
        level = level.max(SafetyLevel.ALERT);
        reasons.add(
            String.format(
                Locale.ROOT,
                "positive rate %.3f outside its 99%% limits [%.3f, %.3f] %d windows running",
                p,
                lower,
                upper,
                carried.outsideLimits));
      }
      if (carried.baselineWindows < BASELINE_WINDOWS) {
        carried.baselineRows += n;
        carried.baselinePositives += w.positives;
        carried.baselineWindows++;
      } else {
        double base = carried.baselinePositives / (double) carried.baselineRows;
        double zw = (p - base) / Math.sqrt(Math.max(base * (1 - base), 1e-6) / n);
        carried.cusumUp = Math.max(0, carried.cusumUp + zw - CUSUM_K);
        carried.cusumDown = Math.max(0, carried.cusumDown - zw - CUSUM_K);
      }
      if (carried.cusumUp > CUSUM_H || carried.cusumDown > CUSUM_H) {
        level = level.max(SafetyLevel.ALERT);
        reasons.add(
            String.format(
                Locale.ROOT,
                "CUSUM of the positive rate fired (up %.1f, down %.1f, limit %.1f)",
                carried.cusumUp,
                carried.cusumDown,
                CUSUM_H));
        carried.cusumUp = 0;
        carried.cusumDown = 0;
      }
      if (p >= s.positiveRateSuspendRatio() * p0 && z > zCritical) {
        level = SafetyLevel.SUSPEND;
        reasons.add(
            String.format(
                Locale.ROOT,
                "positive rate %.3f is %.1f times the reference %.3f (limit %.1f times)",
                p,
                p / p0,
                p0,
                s.positiveRateSuspendRatio()));
      }
    }
    long all = n + w.missingRows;
    double missing = all == 0 ? 0 : w.missingRows / (double) all;
    if (all >= minRows) {
      double refMissing =
          reference.features().stream().mapToDouble(f -> f.nullRate()).average().orElse(0);
      double mz =
          (missing - refMissing) / Math.sqrt(Math.max(refMissing * (1 - refMissing), 1e-4) / all);
      if (missing >= MISSING_SUSPEND_RATE) {
        level = SafetyLevel.SUSPEND;
        reasons.add(
            String.format(
                Locale.ROOT,
                "%.0f%% of requests lack a required input: the model cannot serve them",
                100 * missing));
      } else if (missing - refMissing >= MISSING_WARN_POINTS && mz > zCritical) {
        level = level.max(SafetyLevel.WARN);
        reasons.add(
            String.format(
                Locale.ROOT,
                "missing rate %.1f%% against %.1f%% in the reference",
                100 * missing,
                100 * refMissing));
      }
    }
    if (!verdict) {
      reasons.add(n + " rows: below the " + minRows + " a drift verdict needs");
    }
    return new WindowResult(
        index,
        w.opened,
        closed,
        n,
        w.missingRows,
        verdict,
        results,
        score,
        p,
        p0,
        lower,
        upper,
        new double[] {carried.cusumUp, carried.cusumDown},
        level,
        reasons);
  }

  private FeatureResult compare(
      String name,
      long[] bins,
      KllFloatsSketch live,
      Distribution ref,
      KllFloatsSketch refSketch,
      long n,
      long ood,
      long outOfRange,
      boolean verdict) {
    if (n == 0) {
      return new FeatureResult(name, 0, 0, 0, 0, 0, 0, false);
    }
    double[] proportions =
        ref.decileProportions().stream().mapToDouble(Double::doubleValue).toArray();
    double psi = Statistics.psi(bins, n, proportions);
    double noise =
        Statistics.chiSquareQuantile(1 - perTestAlpha, bins.length - 1)
            * (1.0 / n + 1.0 / ref.count());
    double ksDelta = KolmogorovSmirnov.computeKSDelta(refSketch, live);
    double ksThreshold = KolmogorovSmirnov.computeKSThreshold(refSketch, live, perTestAlpha);
    boolean drifts =
        verdict && (psi - noise >= manifest.safety().psiWarn() || ksDelta > ksThreshold);
    return new FeatureResult(
        name, psi, noise, ksDelta, ksThreshold, ood / (double) n, outOfRange / (double) n, drifts);
  }
}
