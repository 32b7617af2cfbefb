package io.vigil.sync.message;

import java.util.Locale;

/**
 * A model version's safety level on the wire; the gateway maps the monitoring module's levels to
 * these, so that a receiver needs no monitoring code to read a summary.
 */
public enum SafetyLevel {
  NORMAL,
  WARN,
  ALERT,
  SUSPEND;

  /** {@code normal}, {@code warn}, {@code alert}, {@code suspend}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
