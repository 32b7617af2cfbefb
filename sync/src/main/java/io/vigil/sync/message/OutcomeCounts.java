package io.vigil.sync.message;

import java.util.Objects;

/**
 * The real-world performance evidence of one model version for one population, as the gateway
 * counted it from the outcomes the hospital returned: confusion counts at the operating threshold
 * since the version's activation and over the last {@code windowOutcomes} outcomes, and the mean
 * delay from prediction to outcome. Counts only: no request id, device, score or label of a case.
 *
 * @param subgroup {@code all}, or a subgroup the manifest claims performance for
 */
public record OutcomeCounts(
    ModelRef model,
    String subgroup,
    Cells sinceActivation,
    Cells window,
    long windowOutcomes,
    long meanDelayMillis) {

  public OutcomeCounts {
    Objects.requireNonNull(model, "model");
    Tokens.subgroup("subgroup", subgroup);
    Objects.requireNonNull(sinceActivation, "sinceActivation");
    Objects.requireNonNull(window, "window");
    Tokens.count("window_outcomes", windowOutcomes);
    Tokens.count("mean_delay_ms", meanDelayMillis);
  }

  /** True and false positives and negatives. */
  public record Cells(long tp, long fp, long tn, long fn) {
    public Cells {
      Tokens.count("tp", tp);
      Tokens.count("fp", fp);
      Tokens.count("tn", tn);
      Tokens.count("fn", fn);
    }
  }
}
