package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import java.time.Duration;

/**
 * How a model version's traffic is cut into windows.
 *
 * @param windowRows a window closes after this many predicted rows
 * @param minWindowRows a window with fewer rows gets no drift verdict (see the README for why)
 * @param windowMaxAge a window also closes when it is this old, with whatever rows it has
 * @param queueCapacity observations waiting for the monitor thread beyond this are dropped and
 *     counted, so that memory stays bounded whatever the traffic
 */
public record MonitorOptions(
    int windowRows, int minWindowRows, Duration windowMaxAge, int queueCapacity) {

  /** How long a window may stay open by default. */
  public static final Duration DEFAULT_WINDOW_MAX_AGE = Duration.ofMinutes(15);

  /** Observations that may wait for the monitor thread by default. */
  public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

  public MonitorOptions {
    if (minWindowRows < 1 || windowRows < minWindowRows) {
      throw new IllegalArgumentException(
          "expected 1 <= min-window-rows <= window-rows, got "
              + minWindowRows
              + " and "
              + windowRows);
    }
    if (windowMaxAge.isNegative() || windowMaxAge.isZero()) {
      throw new IllegalArgumentException("window-max-age must be positive, not " + windowMaxAge);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity < 1");
    }
  }

  /** The manifest's window sizes, with the default age limit. */
  public static MonitorOptions of(Manifest manifest) {
    Manifest.Safety s = manifest.safety();
    return new MonitorOptions(
        s.windowRows(), s.minWindowRows(), DEFAULT_WINDOW_MAX_AGE, DEFAULT_QUEUE_CAPACITY);
  }

  /** These options with another window size, e.g. from the gateway's configuration. */
  public MonitorOptions withWindowRows(int rows, int minRows) {
    return new MonitorOptions(rows, minRows, windowMaxAge, queueCapacity);
  }

  /** These options with another age limit. */
  public MonitorOptions withWindowMaxAge(Duration age) {
    return new MonitorOptions(windowRows, minWindowRows, age, queueCapacity);
  }
}
