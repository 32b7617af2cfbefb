package io.vigil.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dynamic batcher with the 1 ms conv model: closed loop at concurrency 16 against two live
 * gateways, one batching (max batch 16) and one not (max batch 1), in alternating rounds.
 */
final class BatcherScenario {

  /** Concurrent requests, the figure. */
  static final int CONCURRENCY = 16;

  /** The batching gateway's max batch. */
  static final int MAX_BATCH = 16;

  private final Wrk wrk;
  private final Duration warmUp;
  private final Duration measure;
  private final int rounds;

  BatcherScenario(Wrk wrk, Duration warmUp, Duration measure, int rounds) {
    this.wrk = wrk;
    this.warmUp = warmUp;
    this.measure = measure;
    this.rounds = rounds;
  }

  /** Medians of the rounds. */
  record Outcome(double onRate, double offRate, double onP95Us, double offP95Us) {
    double ratio() {
      return onRate / offRate;
    }
  }

  Outcome run(HostedGateway on, HostedGateway off, Results results)
      throws IOException, InterruptedException {
    BenchModel conv = BenchModel.CONV;
    Optional<String> body = Optional.of(conv.requestBody());
    wrk.run(on.port(), conv.inferPath(), body, CONCURRENCY, warmUp);
    wrk.run(off.port(), conv.inferPath(), body, CONCURRENCY, warmUp);
    List<Double> onRate = new ArrayList<>();
    List<Double> offRate = new ArrayList<>();
    List<Double> onP95 = new ArrayList<>();
    List<Double> offP95 = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean onFirst = round % 2 == 1;
      Row a = measured(onFirst ? on : off, onFirst, round, body);
      Row b = measured(onFirst ? off : on, !onFirst, round, body);
      Row rOn = onFirst ? a : b;
      Row rOff = onFirst ? b : a;
      results.add(rOn);
      results.add(rOff);
      onRate.add(rOn.get("rate"));
      offRate.add(rOff.get("rate"));
      onP95.add(rOn.get("p95_us"));
      offP95.add(rOff.get("p95_us"));
    }
    Outcome o =
        new Outcome(
            Stats.median(onRate), Stats.median(offRate), Stats.median(onP95), Stats.median(offP95));
    results.add(
        Row.of(
            "batch-on",
            "median of " + rounds + " rounds",
            Map.of("rate", o.onRate(), "p95_us", o.onP95Us())));
    results.add(
        Row.of(
            "batch-off",
            "median of " + rounds + " rounds",
            Map.of("rate", o.offRate(), "p95_us", o.offP95Us())));
    results.add(Row.of("batch-on/off", "throughput ratio", Map.of("ratio", o.ratio())));
    return o;
  }

  private Row measured(HostedGateway gateway, boolean batching, int round, Optional<String> body)
      throws IOException, InterruptedException {
    HostStats before = gateway.stats();
    Wrk.Result r = wrk.run(gateway.port(), BenchModel.CONV.inferPath(), body, CONCURRENCY, measure);
    HostStats after = gateway.stats();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rate", r.rate());
    m.put("p50_us", r.p50Us());
    m.put("p95_us", r.p95Us());
    m.put("p99_us", r.p99Us());
    m.put("cpu_us_per_request", after.cpuMicrosPerRequest(before, r.ok()));
    m.put("mean_batch", after.meanBatch(before));
    m.put("errors", (double) (r.statusErrors() + r.socketErrors()));
    return new Row(
        (batching ? "batch-on/" : "batch-off/") + round,
        "infer, bench-conv1d, AS_SHIPPED, max batch "
            + (batching ? MAX_BATCH : 1)
            + ", wrk -t1 -c"
            + CONCURRENCY,
        m,
        "closed loop");
  }
}
