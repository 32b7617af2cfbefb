package io.vigil.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dynamic batcher with a model of about 1 ms per row: closed loop at concurrency 16 against two
 * live gateways, one batching (max batch 16) and one not (max batch 1), each warmed until its JIT
 * has settled, then measured in alternating rounds. Run for {@code bench-mlp} (whose cost per row
 * falls with the batch: the target) and for {@code bench-conv1d} (whose cost per row does not: the
 * context).
 */
final class BatcherScenario {

  /** Concurrent requests, the figure. */
  static final int CONCURRENCY = 16;

  /** The batching gateway's max batch. */
  static final int MAX_BATCH = 16;

  private final Wrk wrk;
  private final JitWarmUp warmUp;
  private final Duration measure;
  private final int rounds;

  BatcherScenario(Wrk wrk, JitWarmUp warmUp, Duration measure, int rounds) {
    this.wrk = wrk;
    this.warmUp = warmUp;
    this.measure = measure;
    this.rounds = rounds;
  }

  /** Medians of the rounds for one model. */
  record Outcome(
      BenchModel model,
      double onRate,
      double offRate,
      double onP95Us,
      double offP95Us,
      double onMeanBatch) {
    double ratio() {
      return onRate / offRate;
    }
  }

  Outcome run(BenchModel model, HostedGateway on, HostedGateway off, Results results)
      throws IOException, InterruptedException {
    List<String> bodies = model.requestBodies();
    String what = "infer, " + model.modelId();
    results.add(warmUp.warm(on, "infer", what, model.inferPath(), bodies, CONCURRENCY, true).row());
    results.add(
        warmUp.warm(off, "infer", what, model.inferPath(), bodies, CONCURRENCY, true).row());
    List<Double> onRate = new ArrayList<>();
    List<Double> offRate = new ArrayList<>();
    List<Double> onP95 = new ArrayList<>();
    List<Double> offP95 = new ArrayList<>();
    List<Double> onBatch = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean onFirst = round % 2 == 1;
      Row a = measured(model, onFirst ? on : off, onFirst, round, bodies);
      Row b = measured(model, onFirst ? off : on, !onFirst, round, bodies);
      Row rOn = onFirst ? a : b;
      Row rOff = onFirst ? b : a;
      results.add(rOn);
      results.add(rOff);
      onRate.add(rOn.get("rate"));
      offRate.add(rOff.get("rate"));
      onP95.add(rOn.get("p95_us"));
      offP95.add(rOff.get("p95_us"));
      onBatch.add(rOn.get("mean_batch"));
    }
    Outcome o =
        new Outcome(
            model,
            Stats.median(onRate),
            Stats.median(offRate),
            Stats.median(onP95),
            Stats.median(offP95),
            Stats.median(onBatch));
    String k = model.key();
    results.add(
        Row.of(
            "batch-on/" + k,
            model.modelId() + ", median of " + rounds + " rounds",
            Map.of("rate", o.onRate(), "p95_us", o.onP95Us(), "mean_batch", o.onMeanBatch())));
    results.add(
        Row.of(
            "batch-off/" + k,
            model.modelId() + ", median of " + rounds + " rounds",
            Map.of("rate", o.offRate(), "p95_us", o.offP95Us())));
    results.add(
        Row.of(
            "batch-on/off/" + k,
            model.modelId() + ", throughput ratio",
            Map.of("ratio", o.ratio())));
    return o;
  }

  private Row measured(
      BenchModel model, HostedGateway gateway, boolean batching, int round, List<String> bodies)
      throws IOException, InterruptedException {
    HostStats before = gateway.stats();
    Wrk.Result r = wrk.run(gateway.port(), model.inferPath(), bodies, CONCURRENCY, measure);
    HostStats after = gateway.stats();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rate", r.rate());
    m.put("p50_us", r.p50Us());
    m.put("p95_us", r.p95Us());
    m.put("p99_us", r.p99Us());
    m.put("cpu_us_per_request", after.cpuMicrosPerRequest(before, r.ok()));
    m.put("mean_batch", after.meanBatch(before));
    m.put("jit_ms", after.jitMillis(before));
    m.put("errors", (double) (r.statusErrors() + r.socketErrors()));
    return new Row(
        (batching ? "batch-on/" : "batch-off/") + model.key() + "/" + round,
        "infer, "
            + model.modelId()
            + ", AS_SHIPPED, max batch "
            + (batching ? MAX_BATCH : 1)
            + ", wrk -t1 -c"
            + CONCURRENCY,
        m,
        "closed loop");
  }
}
