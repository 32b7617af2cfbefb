package io.vigil.gateway.simulate;

import java.time.Duration;

/**
 * Whether {@code vigil simulate} returns outcomes for what the gateway answered: each answered
 * row's true label from the test split, {@code delay} after its answer, a share {@code errorRate}
 * of them flipped (a simulated model that is wrong that often more than its evidence says).
 */
public record OutcomeFeed(boolean on, Duration delay, double errorRate) {

  /** No outcomes: the simulator's behaviour before outcomes existed. */
  public static final OutcomeFeed OFF = new OutcomeFeed(false, Duration.ZERO, 0);

  /** The outcome delay when none is given. */
  public static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);

  public OutcomeFeed {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("outcome-delay must not be negative, got " + delay);
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException(
          "outcome-error-rate must be from 0 to 1, got " + errorRate);
    }
  }
}
