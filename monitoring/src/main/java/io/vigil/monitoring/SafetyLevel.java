package io.vigil.monitoring;

import java.util.Locale;

/**
 * What the safety policy says of a model version, from least to most severe. {@code SUSPEND} is
 * sticky, whether the policy or a person set it: the model stops answering until an administrator
 * (or the manufacturer's signed command) resumes it.
 */
public enum SafetyLevel {
  /** Nothing unusual in the last window. */
  NORMAL,
  /** Something drifts: a metric, a ledger event, the dashboard. */
  WARN,
  /** Patient safety may be at stake: the above, and the manufacturer is told at once. */
  ALERT,
  /** The model stops answering; devices fall back to the standard clinical workflow. */
  SUSPEND;

  /** The name in responses, ledger entries and the admin API: {@code normal}, {@code warn}... */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The more severe of two levels. */
  public SafetyLevel max(SafetyLevel other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
