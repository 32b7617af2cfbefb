package io.vigil.gateway.simulate;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Latencies of a period, kept whole up to {@link #CAPACITY} and as a uniform sample beyond it
 * (reservoir sampling), so that a long run holds a bounded array; percentiles by nearest rank.
 */
final class Latencies {

  static final int CAPACITY = 1 << 17;

  private long[] nanos = new long[256];
  private int kept;
  private long seen;
  private long max;

  void add(long latencyNanos) {
    seen++;
    max = Math.max(max, latencyNanos);
    if (kept < CAPACITY) {
      if (kept == nanos.length) {
        nanos = Arrays.copyOf(nanos, Math.min(CAPACITY, kept * 2));
      }
      nanos[kept++] = latencyNanos;
      return;
    }
    long slot = ThreadLocalRandom.current().nextLong(seen);
    if (slot < CAPACITY) {
      nanos[(int) slot] = latencyNanos;
    }
  }

  long count() {
    return seen;
  }

  long maxNanos() {
    return max;
  }

  /** The {@code p}-quantile (0 < p <= 1) in nanoseconds; -1 when there is none. */
  long percentileNanos(double p) {
    if (kept == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(nanos, kept);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p * kept);
    return sorted[Math.max(0, Math.min(kept, rank) - 1)];
  }
}
