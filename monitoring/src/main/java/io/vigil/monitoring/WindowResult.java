package io.vigil.monitoring;

import java.time.Instant;
import java.util.List;

/**
 * One closed window of a model version's traffic, compared with the manufacturer's reference
 * profile, and what the safety policy made of it.
 *
 * @param index the window's number for this model version, from 1
 * @param opened when its first observation arrived (or the previous window closed)
 * @param closed when it closed
 * @param rows the rows the model answered in it
 * @param missingRows the rows refused because a value was missing
 * @param verdict whether it had the minimum rows for a drift verdict
 * @param features each feature's drift against its reference
 * @param score the score's drift against its reference
 * @param positiveRate the share of answered rows at or above the operating threshold
 * @param referencePositiveRate that share in the reference data
 * @param positiveLower the lower 99% control limit of the positive rate for this many rows
 * @param positiveUpper the upper 99% control limit
 * @param cusum the upward and downward CUSUM of the positive rate after this window
 * @param level what the policy made of this window
 * @param reasons why, in words, one line per finding
 */
public record WindowResult(
    long index,
    Instant opened,
    Instant closed,
    long rows,
    long missingRows,
    boolean verdict,
    List<FeatureResult> features,
    FeatureResult score,
    double positiveRate,
    double referencePositiveRate,
    double positiveLower,
    double positiveUpper,
    double[] cusum,
    SafetyLevel level,
    List<String> reasons) {

  public WindowResult {
    features = List.copyOf(features);
    reasons = List.copyOf(reasons);
    cusum = cusum.clone();
  }

  @Override
  public double[] cusum() {
    return cusum.clone();
  }

  /**
   * The window as JSON-ready maps and lists: what the admin API answers and the state file holds.
   */
  public java.util.Map<String, Object> toMap() {
    java.util.Map<String, Object> n = new java.util.LinkedHashMap<>();
    n.put("index", index);
    n.put("opened", opened.toString());
    n.put("closed", closed.toString());
    n.put("rows", rows);
    n.put("missing_rows", missingRows);
    n.put("verdict", verdict);
    n.put("level", level.jsonName());
    n.put("reasons", reasons);
    n.put("positive_rate", positiveRate);
    n.put("reference_positive_rate", referencePositiveRate);
    n.put("positive_lower", positiveLower);
    n.put("positive_upper", positiveUpper);
    n.put("cusum_up", cusum[0]);
    n.put("cusum_down", cusum[1]);
    n.put("score", score.toMap());
    n.put("features", features.stream().map(FeatureResult::toMap).toList());
    return n;
  }

  /** The share of rows refused for a missing value. */
  public double missingRate() {
    long all = rows + missingRows;
    return all == 0 ? 0 : missingRows / (double) all;
  }

  /**
   * One feature's (or the score's) window against its reference.
   *
   * @param name the feature's name, or the score output's
   * @param psi the population stability index on the reference deciles
   * @param psiNoise the PSI below which no change can be told from sampling noise here
   * @param ksDelta the Kolmogorov-Smirnov distance between the window's sketch and the reference's
   * @param ksThreshold the distance above which the test rejects at the policy's level
   * @param outOfDistributionRate the share of values outside the reference 0.5-99.5 percentile band
   * @param outOfRangeRate the share of values outside the manifest's plausible range
   * @param drifts whether the policy counts this feature as drifting
   */
  public record FeatureResult(
      String name,
      double psi,
      double psiNoise,
      double ksDelta,
      double ksThreshold,
      double outOfDistributionRate,
      double outOfRangeRate,
      boolean drifts) {

    /** The result as a JSON-ready map. */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> n = new java.util.LinkedHashMap<>();
      n.put("name", name);
      n.put("psi", psi);
      n.put("psi_noise", psiNoise);
      n.put("ks_delta", ksDelta);
      n.put("ks_threshold", ksThreshold);
      n.put("out_of_distribution_rate", outOfDistributionRate);
      n.put("out_of_range_rate", outOfRangeRate);
      n.put("drifts", drifts);
      return n;
    }
  }
}
