package io.vigil.sync.message;

/** Latency percentiles of a period in whole microseconds, so that the JSON has integers only. */
public record Latency(long p50Micros, long p90Micros, long p99Micros, long maxMicros) {
  public Latency {
    Tokens.count("p50", p50Micros);
    if (p90Micros < p50Micros || p99Micros < p90Micros || maxMicros < p99Micros) {
      throw new IllegalArgumentException("percentiles must not decrease: " + this);
    }
  }
}
