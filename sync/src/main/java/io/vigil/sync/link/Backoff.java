package io.vigil.sync.link;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Reconnect delays: doubling from a base up to a cap, each drawn in its upper half. */
final class Backoff {

  private final long baseMillis;
  private final long capMillis;
  private final RandomGenerator random;
  private int failures;

  Backoff(Duration base, Duration cap, RandomGenerator random) {
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  long nextDelayMillis() {
    // Bounded shift: 2^20 s is far past any cap, and the long never overflows.
    long ceiling = Math.min(capMillis, baseMillis << Math.min(failures, 20));
    failures++;
    // Jitter spreads a fleet that lost the broker together, so that it does not return together.
    long floor = ceiling / 2;
    return floor + random.nextLong(ceiling - floor + 1);
  }

  void reset() {
    failures = 0;
  }
}
