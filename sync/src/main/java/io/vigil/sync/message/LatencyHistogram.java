package io.vigil.sync.message;

/**
 * Latencies in microseconds, in buckets of 1/32 of a power of two (about 3% wide), so that a
 * period's percentiles cost a fixed 10 KiB per model version however many requests it had; a
 * percentile is reported as its bucket's upper end, the maximum exactly.
 */
final class LatencyHistogram {

  private static final int SUB = 32;
  private static final int SHIFT = 5;
  private final long[] counts = new long[64 * SUB];
  private long total;
  private long max;

  void record(long micros) {
    long v = Math.max(0, micros);
    counts[bucket(v)]++;
    total++;
    max = Math.max(max, v);
  }

  Latency latency() {
    if (total == 0) {
      return new Latency(0, 0, 0, 0);
    }
    return new Latency(
        percentile(0.50), percentile(0.90), percentile(0.99), Math.max(max, percentile(0.99)));
  }

  private long percentile(double q) {
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upper(i), max);
      }
    }
    return max;
  }

  static int bucket(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v) - SHIFT;
    return (exp + 1) * SUB + (int) ((v >>> exp) - SUB);
  }

  static long upper(int bucket) {
    if (bucket < SUB) {
      return bucket;
    }
    int exp = bucket / SUB - 1;
    long mantissa = bucket % SUB + SUB;
    return ((mantissa + 1) << exp) - 1;
  }
}
