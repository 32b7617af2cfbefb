package io.vigil.bench;

/**
 * The intended send times of an open-loop generator: request {@code i} is due at {@code start + i /
 * rate}, whatever happened to the requests before it.
 */
record Schedule(long startNanos, double ratePerSecond) {

  Schedule {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("ratePerSecond <= 0");
    }
  }

  /** When request {@code i} is due, in {@link System#nanoTime()} terms. */
  long intendedNanos(long i) {
    // From the start each time, not by adding an interval, so rounding never accumulates.
    return startNanos + (long) (i * 1e9 / ratePerSecond);
  }

  /** How many requests are due by {@code nowNanos}: the index of the first one not yet due. */
  long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long i = (long) Math.floor((nowNanos - startNanos) * ratePerSecond / 1e9) + 1;
    // Correct the floating-point estimate against the exact rule of intendedNanos.
    while (i > 0 && intendedNanos(i - 1) > nowNanos) {
      i--;
    }
    while (intendedNanos(i) <= nowNanos) {
      i++;
    }
    return i;
  }
}
