package io.vigil.monitoring;

import java.util.Objects;

/**
 * The observed truth for one prediction, as the gateway hands it to the model version that made it:
 * the prediction's score (read from the ledger), whether the outcome was the positive label, the
 * subgroup it belongs to ({@link #NO_SUBGROUP} when none was given) and how long after the
 * prediction it arrived.
 */
public record Outcome(double score, boolean positive, String subgroup, long delayMillis) {

  /** The subgroup of an outcome that names none: it counts toward the whole population only. */
  public static final String NO_SUBGROUP = "";

  public Outcome {
    Objects.requireNonNull(subgroup, "subgroup");
    if (delayMillis < 0) {
      throw new IllegalArgumentException("delayMillis < 0");
    }
  }
}
