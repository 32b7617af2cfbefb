package io.vigil.bench;

import java.util.Optional;

/** Turns the measured numbers into the targets, each with its verdict. */
final class TargetCheck {

  /** Above this mean batch size the model's per-row cost is taken at batch 32, below at 1. */
  static final double BATCH_SPLIT = Math.sqrt(32);

  private TargetCheck() {}

  /**
   * The model's own CPU per row: A's median per-row time (OnnxModel, one intra-op thread) at the
   * batch size nearest the gateway's mean batch.
   */
  static double modelMicrosPerRow(double meanBatch, Results results) {
    int batch = meanBatch > BATCH_SPLIT ? 32 : 1;
    return results
        .row(OrtFloor.id(BenchModel.DEMO, OrtFloor.Api.ONNX_MODEL, 1, batch))
        .map(r -> r.get("us_per_row_p50"))
        .orElse(Double.NaN);
  }

  /**
   * The targets besides issue 19's guarded ones ({@link RequestPathTargets}): E/D, batching,
   * start-up and memory.
   */
  static void evaluate(
      Results results,
      ClosedLoopRounds.Outcome http,
      Optional<BatcherScenario.Outcome> batcher,
      Optional<BatcherScenario.Outcome> batcherContext,
      Optional<Row> startup,
      long maxRssKb) {
    results.target(
        Target.bound(
            "E/D: as shipped vs ledger off",
            ">= 0.8",
            http.eOverD(),
            Fmt.ratio(http.eOverD()) + " (" + Fmt.rate(http.e()) + " / " + Fmt.rate(http.d()) + ")",
            false,
            0.8));
    batcher.ifPresentOrElse(
        b -> {
          String context =
              batcherContext
                  .map(
                      c ->
                          "; "
                              + c.model().modelId()
                              + " beside it (cost per row flat with the batch): "
                              + Fmt.ratio(c.ratio())
                              + "x ("
                              + Fmt.rate(c.onRate())
                              + " vs "
                              + Fmt.rate(c.offRate())
                              + ")")
                  .orElse("");
          results.target(
              Target.bound(
                  "batching on vs off, 1 ms model ("
                      + b.model().modelId()
                      + "), concurrency 16: throughput",
                  ">= 3x",
                  b.ratio(),
                  Fmt.ratio(b.ratio())
                      + "x ("
                      + Fmt.rate(b.onRate())
                      + " vs "
                      + Fmt.rate(b.offRate())
                      + ", mean batch "
                      + Fmt.number(b.onMeanBatch(), 1)
                      + ")"
                      + context,
                  false,
                  3));
          results.target(
              new Target(
                  "batching on vs off (" + b.model().modelId() + "): p95",
                  "lower with batching",
                  Fmt.latency(b.onP95Us())
                      + " vs "
                      + Fmt.latency(b.offP95Us())
                      + batcherContext
                          .map(
                              c ->
                                  "; "
                                      + c.model().modelId()
                                      + ": "
                                      + Fmt.latency(c.onP95Us())
                                      + " vs "
                                      + Fmt.latency(c.offP95Us()))
                          .orElse(""),
                  Optional.of(b.onP95Us() < b.offP95Us())));
        },
        () -> results.target(Target.notMeasured("batching on vs off", ">= 3x", "not run")));
    results.target(
        startup
            .map(
                r ->
                    Target.bound(
                        "start to ready (fresh vigil.jar, wall clock)",
                        "<= 3 s",
                        r.get("startup_median_ms"),
                        Fmt.number(r.get("startup_median_ms"), 0)
                            + " ms median of "
                            + Fmt.number(r.get("attempts"), 0)
                            + " (max "
                            + Fmt.number(r.get("startup_max_ms"), 0)
                            + " ms)",
                        true,
                        3000))
            .orElse(Target.notMeasured("start to ready", "<= 3 s", "not run")));
    results.target(
        Target.bound(
            "resident memory under load (VmRSS, gateway JVM)",
            "<= 300 MB",
            maxRssKb / 1024.0,
            Fmt.megabytes(maxRssKb) + " (largest VmRSS sampled at the end of E and F runs)",
            true,
            300));
  }

  /** LEAD: once the ledger exists, every F run's ledger delta must equal its 2xx answers. */
  static void ledger(Results results, java.util.List<Row> fixedRateRows) {
    long checked = 0;
    long mismatched = 0;
    StringBuilder detail = new StringBuilder();
    for (Row r : fixedRateRows) {
      double added = r.get("ledger_added");
      if (added < 0) {
        continue;
      }
      checked++;
      if (added != r.get("ok_total")) {
        mismatched++;
      }
      detail.append(
          String.format(java.util.Locale.ROOT, "%s %.0f/%.0f; ", r.id(), added, r.get("ok_total")));
    }
    results.target(
        checked == 0
            ? Target.notMeasured(
                "ledger entries = successful responses",
                "equal",
                "no ledger in this build (GatewayUnderTest.ledgerEntries() is empty)")
            : new Target(
                "ledger entries = successful responses",
                "equal",
                detail.toString().trim(),
                Optional.of(mismatched == 0)));
  }

  /**
   * (harness) Every gateway's JIT settled before its measured windows: each warm-up row ({@code
   * warm-up/...}) ended quiet rather than at the cap.
   */
  static void warmUps(Results results, JitWarmUp.Policy policy) {
    java.util.List<Row> rows =
        results.rows().stream().filter(r -> r.id().startsWith("warm-up/")).toList();
    java.util.List<String> capped =
        rows.stream()
            .filter(r -> r.get("capped") > 0)
            .map(
                r ->
                    r.id().substring("warm-up/".length())
                        + " ("
                        + Fmt.number(r.get("last_window_jit_ms"), 0)
                        + " ms in the last window)")
            .toList();
    java.util.DoubleSummaryStatistics seconds =
        rows.stream().mapToDouble(r -> r.get("warmup_s")).summaryStatistics();
    results.target(
        rows.isEmpty()
            ? Target.notMeasured("(harness) JIT settled before measuring", "", "no warm-up ran")
            : new Target(
                "(harness) every gateway's JIT settled before its measured windows",
                "JIT < "
                    + Fmt.number(policy.settledFraction() * 100, 0)
                    + "% of the last "
                    + policy.window().toSeconds()
                    + " s warm-up window, within "
                    + policy.max().toSeconds()
                    + " s",
                (rows.size() - capped.size())
                    + " of "
                    + rows.size()
                    + " warm-ups settled, "
                    + Fmt.number(seconds.getMin(), 0)
                    + "–"
                    + Fmt.number(seconds.getMax(), 0)
                    + " s each"
                    + (capped.isEmpty() ? "" : "; cap hit: " + String.join(", ", capped)),
                Optional.of(capped.isEmpty())));
  }
}
