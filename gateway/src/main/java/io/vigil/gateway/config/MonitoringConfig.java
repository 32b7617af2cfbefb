package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.time.Duration;

/**
 * Live drift monitoring, the {@code monitoring} section of the configuration file. Window sizes of
 * 0 take the model's manifest ({@code safety.window_rows}, {@code safety.min_window_rows}).
 *
 * @param enabled whether answered predictions are monitored (the safety policy acts only if so)
 * @param windowRows rows after which a window closes; 0 for the manifest's
 * @param minWindowRows rows below which a window gets no drift verdict; 0 for the manifest's
 * @param windowMaxAge how long a window may stay open before it closes with what it has
 */
public record MonitoringConfig(
    boolean enabled, int windowRows, int minWindowRows, Duration windowMaxAge) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final Duration DEFAULT_WINDOW_MAX_AGE = Duration.ofMinutes(15);

  static final Setting<Boolean> ENABLED = Setting.bool("monitoring.enabled");
  static final Setting<Integer> WINDOW_ROWS =
      Setting.integer("monitoring.window-rows", 0, 10_000_000);
  static final Setting<Integer> MIN_WINDOW_ROWS =
      Setting.integer("monitoring.min-window-rows", 0, 10_000_000);
  static final Setting<Duration> WINDOW_MAX_AGE =
      Setting.duration("monitoring.window-max-age", Duration.ofSeconds(1), Duration.ofDays(7));

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public MonitoringConfig {
    WINDOW_ROWS.check(windowRows);
    MIN_WINDOW_ROWS.check(minWindowRows);
    WINDOW_MAX_AGE.check(windowMaxAge);
    if (windowRows > 0 && minWindowRows > windowRows) {
      throw ConfigErrors.invalid(
          "monitoring.min-window-rows: expected at most monitoring.window-rows ("
              + windowRows
              + "), got '"
              + minWindowRows
              + "'");
    }
  }

  /** The {@code monitoring} section that an empty file gives. */
  public static MonitoringConfig defaults() {
    return new MonitoringConfig(DEFAULT_ENABLED, 0, 0, DEFAULT_WINDOW_MAX_AGE);
  }

  /** This section with monitoring on or off (benchmarks measure both). */
  public MonitoringConfig withEnabled(boolean on) {
    return new MonitoringConfig(on, windowRows, minWindowRows, windowMaxAge);
  }
}
