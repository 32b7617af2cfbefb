package io.vigil.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one model version's inference requests: {@code vigil.inference.requests} by HTTP
 * status and {@code vigil.inference.latency}, from a request's arrival to its answer.
 */
public final class RequestMeters {

  /** Answered inference requests, by the HTTP status they were answered with. */
  public static final String REQUESTS = "vigil.inference.requests";

  /** From a request's arrival to its answer, whatever the status; a histogram for Prometheus. */
  public static final String LATENCY = "vigil.inference.latency";

  /** The lowest bucket of the latency histogram: an inline model answers in tens of µs. */
  static final Duration LATENCY_MIN = Duration.ofNanos(50_000);

  /** The highest bucket of the latency histogram, below {@code +Inf}. */
  static final Duration LATENCY_MAX = Duration.ofSeconds(5);

  private static final int STATUSES = 600;

  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer latency;

  /** The counter of each status, registered when that status is first answered. */
  private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(STATUSES);

  RequestMeters(MeterRegistry registry, String model, String version) {
    this.registry = registry;
    this.tags = Tags.of("model", model, "version", version);
    // Per version, as the counters: a model holds a few versions at most (and "unknown"), so the
    // series stay few, and a request records on one timer either way.
    this.latency =
        Timer.builder(LATENCY)
            .description("Time from an inference request's arrival to its answer.")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(LATENCY_MIN)
            .maximumExpectedValue(LATENCY_MAX)
            .register(registry);
  }

  /** Counts a request answered with {@code status}, {@code nanos} after it arrived. */
  public void answered(int status, long nanos) {
    counter(status).increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(int status) {
    if (status < 0 || status >= STATUSES) {
      return register(status);
    }
    Counter c = byStatus.get(status);
    if (c == null) {
      // Two threads may both register: the registry hands both the same counter.
      c = register(status);
      byStatus.set(status, c);
    }
    return c;
  }

  private Counter register(int status) {
    return Counter.builder(REQUESTS)
        .description("Inference requests answered, by HTTP status.")
        .tags(tags)
        .tag("status", Integer.toString(status))
        .register(registry);
  }
}
