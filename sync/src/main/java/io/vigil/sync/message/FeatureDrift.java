package io.vigil.sync.message;

/**
 * One feature's (or the score's) drift in a closed window, as the monitoring module's {@code
 * WindowResult.FeatureResult} gives it.
 */
public record FeatureDrift(
    String name,
    double psi,
    double psiNoise,
    double ksDelta,
    double ksThreshold,
    double outOfDistributionRate,
    double outOfRangeRate,
    boolean drifts) {
  public FeatureDrift {
    Tokens.name("feature", name);
    Tokens.finite("psi", psi);
    Tokens.finite("psi_noise", psiNoise);
    Tokens.finite("ks_delta", ksDelta);
    Tokens.finite("ks_threshold", ksThreshold);
    Tokens.finite("out_of_distribution_rate", outOfDistributionRate);
    Tokens.finite("out_of_range_rate", outOfRangeRate);
  }
}
