package io.vigil.gateway.sync;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.vigil.sync.message.Latency;
import java.util.concurrent.TimeUnit;

/**
 * A period's latency percentiles from the cumulative buckets of a model's {@code
 * vigil.inference.latency} timer, the difference of two snapshots: nothing more is measured per
 * request. A percentile is its bucket's upper bound, so it is as coarse as the Prometheus buckets.
 * The summaries and the dashboard's traffic samples each keep their own.
 */
public final class LatencyWindow {

  private double[] bounds = new double[0];
  private double[] previous = new double[0];
  private long previousCount;

  /** The percentiles of what the timer recorded since the last call. */
  public Latency next(Timer timer) {
    HistogramSnapshot s = timer.takeSnapshot();
    CountAtBucket[] buckets = s.histogramCounts();
    double[] upper = new double[buckets.length];
    double[] cumulative = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      upper[i] = buckets[i].bucket(TimeUnit.MICROSECONDS);
      cumulative[i] = buckets[i].count();
    }
    long count = s.count();
    boolean sameBounds = java.util.Arrays.equals(upper, bounds);
    double[] before = sameBounds ? previous : new double[upper.length];
    long total = count - (sameBounds ? previousCount : 0);
    bounds = upper;
    previous = cumulative;
    previousCount = count;
    if (total <= 0 || upper.length == 0) {
      return new Latency(0, 0, 0, 0);
    }
    long p50 = percentile(0.50, total, upper, cumulative, before);
    long p90 = Math.max(p50, percentile(0.90, total, upper, cumulative, before));
    long p99 = Math.max(p90, percentile(0.99, total, upper, cumulative, before));
    long max = Math.max(p99, percentile(1.0, total, upper, cumulative, before));
    return new Latency(p50, p90, p99, max);
  }

  private static long percentile(
      double q, long total, double[] upper, double[] now, double[] before) {
    long rank = (long) Math.ceil(q * total);
    for (int i = 0; i < upper.length; i++) {
      if (now[i] - before[i] >= rank) {
        return (long) Math.ceil(upper[i]);
      }
    }
    // Above the highest bucket (5 s): reported as that bound, a lower limit.
    return (long) Math.ceil(upper[upper.length - 1]);
  }
}
