package io.vigil.gateway.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.metrics.RequestMeters;
import io.vigil.gateway.sync.LatencyWindow;
import io.vigil.sync.message.Latency;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's traffic over time: every {@link #PERIOD} the requests per second and the latency
 * percentiles of each model version since the previous sample, from the {@code
 * vigil.inference.requests} counters and the {@code vigil.inference.latency} histograms that are
 * there anyway; the last {@link #KEPT} samples are kept. Sampled on the admin verticle's event
 * loop: a snapshot of a few meters, nothing per request.
 */
final class TrafficSamples {

  /** How often a sample is taken. */
  static final Duration PERIOD = Duration.ofSeconds(5);

  /** How many samples are kept: ten minutes at one every five seconds. */
  static final int KEPT = 120;

  private final MeterRegistry meters;
  private final Map<String, LatencyWindow> latency = new HashMap<>();
  private final Map<String, Double> lastCount = new HashMap<>();
  private final ArrayDeque<JsonObject> samples = new ArrayDeque<>();
  private Instant last;

  TrafficSamples(MeterRegistry meters, Instant start) {
    this.meters = meters;
    this.last = start;
    sample(start);
  }

  /** Takes a sample of what was answered since the previous one. */
  synchronized void sample(Instant now) {
    double seconds = Math.max(1e-3, Duration.between(last, now).toMillis() / 1000.0);
    last = now;
    Map<String, double[]> requests = new TreeMap<>();
    for (Counter c : meters.find(RequestMeters.REQUESTS).counters()) {
      String key = key(c.getId().getTag("model"), c.getId().getTag("version"));
      String status = c.getId().getTag("status");
      if (key != null && status != null) {
        double[] r = requests.computeIfAbsent(key, k -> new double[2]);
        r[0] += c.count();
        if (Integer.parseInt(status) >= 400) {
          r[1] += c.count();
        }
      }
    }
    Map<String, Latency> latencies = new HashMap<>();
    for (Timer t : meters.find(RequestMeters.LATENCY).timers()) {
      String key = key(t.getId().getTag("model"), t.getId().getTag("version"));
      if (key != null) {
        latencies.put(key, latency.computeIfAbsent(key, k -> new LatencyWindow()).next(t));
      }
    }
    JsonArray versions = new JsonArray();
    requests.forEach(
        (key, r) -> {
          double before = lastCount.getOrDefault(key, 0.0);
          lastCount.put(key, r[0]);
          Latency l = latencies.getOrDefault(key, new Latency(0, 0, 0, 0));
          int at = key.lastIndexOf('@');
          versions.add(
              new JsonObject()
                  .put("model_id", key.substring(0, at))
                  .put("version", key.substring(at + 1))
                  .put("requests_total", (long) r[0])
                  .put("errors_total", (long) r[1])
                  .put("requests_per_second", (r[0] - before) / seconds)
                  .put("latency_p50_micros", l.p50Micros())
                  .put("latency_p90_micros", l.p90Micros())
                  .put("latency_p99_micros", l.p99Micros())
                  .put("latency_max_micros", l.maxMicros()));
        });
    samples.addLast(new JsonObject().put("time", now.toString()).put("versions", versions));
    while (samples.size() > KEPT) {
      samples.removeFirst();
    }
  }

  /** {@code {"period_seconds": 5, "samples": [...]}}, oldest first. */
  synchronized JsonObject toJson() {
    return new JsonObject()
        .put("period_seconds", PERIOD.toSeconds())
        .put("samples", new JsonArray(samples.stream().map(JsonObject::copy).toList()));
  }

  private static String key(String model, String version) {
    return model == null || version == null ? null : model + "@" + version;
  }
}
