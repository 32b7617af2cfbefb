package io.vigil.sync.message;

import java.time.Instant;
import java.util.List;

/**
 * A closed monitoring window of a model version: the monitoring module's {@code WindowResult}
 * without its reasons, which are words; the level says what the policy made of it.
 */
public record DriftWindow(
    ModelRef model,
    long index,
    Instant opened,
    Instant closed,
    long rows,
    long missingRows,
    boolean verdict,
    List<FeatureDrift> features,
    FeatureDrift score,
    double positiveRate,
    double referencePositiveRate,
    double positiveLower,
    double positiveUpper,
    double cusumUp,
    double cusumDown,
    SafetyLevel level) {
  public DriftWindow {
    Tokens.count("index", index);
    Tokens.count("rows", rows);
    Tokens.count("missing_rows", missingRows);
    features = List.copyOf(features);
    for (double v :
        new double[] {
          positiveRate, referencePositiveRate, positiveLower, positiveUpper, cusumUp, cusumDown
        }) {
      Tokens.finite("window rates", v);
    }
    if (closed.isBefore(opened)) {
      throw new IllegalArgumentException("window closed before it opened");
    }
  }
}
