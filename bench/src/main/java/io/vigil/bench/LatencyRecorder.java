package io.vigil.bench;

import org.HdrHistogram.Histogram;

/**
 * Latencies of an open-loop run, in microseconds: from each request's intended send time (the
 * corrected figure, which counts time spent waiting behind a stall) and from its actual send time
 * (what a naive generator reports), plus how late the generator itself sent. Not thread-safe.
 */
final class LatencyRecorder {

  /** The highest latency recorded exactly: a minute; longer ones are clamped. */
  static final long HIGHEST_MICROS = 60_000_000L;

  private final Histogram corrected = new Histogram(HIGHEST_MICROS, 3);
  private final Histogram uncorrected = new Histogram(HIGHEST_MICROS, 3);
  private final Histogram sendLag = new Histogram(HIGHEST_MICROS, 3);
  private long ok;
  private long failed;

  /** Records one finished request; failures count but have no latency. */
  void record(long intendedNanos, long sentNanos, long doneNanos, boolean success) {
    if (!success) {
      failed++;
      return;
    }
    ok++;
    corrected.recordValue(micros(doneNanos - intendedNanos));
    uncorrected.recordValue(micros(doneNanos - sentNanos));
    sendLag.recordValue(micros(sentNanos - intendedNanos));
  }

  long ok() {
    return ok;
  }

  long failed() {
    return failed;
  }

  Histogram corrected() {
    return corrected;
  }

  Histogram uncorrected() {
    return uncorrected;
  }

  Histogram sendLag() {
    return sendLag;
  }

  private static long micros(long nanos) {
    return Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1_000));
  }
}
