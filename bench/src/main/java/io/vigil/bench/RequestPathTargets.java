package io.vigil.bench;

import java.util.List;
import java.util.Optional;

/**
 * Issue 19's targets, the request path at the cost of its physics with every feature on: each is
 * guarded, so that a miss fails {@code bench/run} ({@link TargetGate}) and its value is kept in
 * {@code bench/history.tsv} ({@link TargetHistory}) under its key.
 */
final class RequestPathTargets {

  /** D/C at {@link ClosedLoopRounds#CONNECTIONS}: infer with the ledger off vs the static path. */
  static final String D_OVER_C = "d_over_c";

  /** E/C at {@link ClosedLoopRounds#WIDE_CONNECTIONS}: infer as shipped vs the static path. */
  static final String E_OVER_C_WIDE = "e_over_c_128";

  /** E's gateway CPU per request beyond the model's own, µs. */
  static final String CPU_BEYOND_MODEL = "cpu_beyond_model_us";

  /** E's p50 minus D's p50 at 32 in flight, in fsync periods (the disk's fsync p50). */
  static final String LEDGER_WAIT = "ledger_wait_fsyncs";

  /** p99 at 50% of E's maximum, open loop, ms. */
  static final String P99_HALF_E = "p99_at_half_e_ms";

  /** Every guarded key, in the order of the table and of the history's columns. */
  static final List<String> KEYS =
      List.of(D_OVER_C, E_OVER_C_WIDE, CPU_BEYOND_MODEL, LEDGER_WAIT, P99_HALF_E);

  static final double MIN_D_OVER_C = 0.75;
  static final double MIN_E_OVER_C_WIDE = 0.5;
  static final double MAX_CPU_BEYOND_MODEL_US = 30;
  static final double MAX_LEDGER_WAIT_FSYNCS = 1.5;
  static final double MAX_P99_HALF_E_MS = 5;

  private RequestPathTargets() {}

  /**
   * The latency at half of E's maximum and what it is read against.
   *
   * @param f50 the open-loop infer run at 50% of E: the pinned one where the run could pin
   * @param floor the generator alone on {@code GET /v2} at the same rate, placed the same way
   * @param placement how the two JVMs were placed on the CPUs, or why they could not be
   */
  /**
   * F at half of E, the generator's floor (itself on {@code GET /v2} at that rate) and the ledger's
   * (the ledger alone at that rate on the gateway's CPU), and where they ran.
   */
  record HalfE(Optional<Row> f50, Optional<Row> floor, Optional<Row> ledger, String placement) {}

  static void evaluate(
      Results results, ClosedLoopRounds.Outcome http, Optional<Row> fsync, HalfE halfE) {
    results.target(
        Target.bound(
                "D/C: infer (ledger off) vs static JSON, "
                    + ClosedLoopRounds.CONNECTIONS
                    + " in flight",
                ">= " + MIN_D_OVER_C,
                http.dOverC(),
                Fmt.ratio(http.dOverC())
                    + " ("
                    + Fmt.rate(http.d())
                    + " / "
                    + Fmt.rate(http.c())
                    + ")",
                false,
                MIN_D_OVER_C)
            .guarded(D_OVER_C));
    results.target(
        Target.bound(
                "E/C: as shipped vs static JSON, "
                    + ClosedLoopRounds.WIDE_CONNECTIONS
                    + " in flight",
                ">= " + MIN_E_OVER_C_WIDE,
                http.eOverC128(),
                Fmt.ratio(http.eOverC128())
                    + " ("
                    + Fmt.rate(http.e128())
                    + " / "
                    + Fmt.rate(http.c128())
                    + "; median of the per-round ratios)",
                false,
                MIN_E_OVER_C_WIDE)
            .guarded(E_OVER_C_WIDE));
    double model = TargetCheck.modelMicrosPerRow(http.eMeanBatch(), results);
    double overhead = http.eCpuUs() - model;
    results.target(
        Target.bound(
                "gateway CPU per request beyond the model's compute",
                "<= " + Fmt.number(MAX_CPU_BEYOND_MODEL_US, 0) + " µs",
                overhead,
                Fmt.micros(overhead)
                    + " ("
                    + Fmt.micros(http.eCpuUs())
                    + " CPU/req in E minus "
                    + Fmt.micros(model)
                    + " model/row from A at batch "
                    + (http.eMeanBatch() > TargetCheck.BATCH_SPLIT ? 32 : 1)
                    + "; E's mean batch "
                    + Fmt.number(http.eMeanBatch(), 1)
                    + ")",
                true,
                MAX_CPU_BEYOND_MODEL_US)
            .guarded(CPU_BEYOND_MODEL));
    results.target(ledgerWait(http, fsync));
    results.target(halfE(halfE));
  }

  /**
   * The ledger's wait at 32 in flight: E's p50 minus D's p50 (the same gateway code with and
   * without its ledger, medians over the rounds), counted in the disk's fsync p50 of this run.
   */
  static Target ledgerWait(ClosedLoopRounds.Outcome http, Optional<Row> fsync) {
    String name =
        "ledger wait at "
            + ClosedLoopRounds.CONNECTIONS
            + " in flight: E's p50 minus D's p50, in fsync periods of this disk";
    String goal = "<= " + MAX_LEDGER_WAIT_FSYNCS + " fsync periods";
    if (fsync.isEmpty()) {
      return Target.notMeasured(name, goal, "no fsync probe in this run").guarded(LEDGER_WAIT);
    }
    Row f = fsync.get();
    double period = f.get("p50_us");
    if (!(period >= 1)) {
      return Target.notMeasured(
              name,
              goal,
              "fsync p50 "
                  + Fmt.number(period, 3)
                  + " µs: this filesystem does not reach a disk (tmpfs?); E-D p50 "
                  + Fmt.latency(http.ledgerWaitUs()))
          .guarded(LEDGER_WAIT);
    }
    double periods = http.ledgerWaitUs() / period;
    return Target.bound(
            name,
            goal,
            periods,
            Fmt.number(periods, 2)
                + " periods (E p50 "
                + Fmt.latency(http.eP50Us())
                + " minus D p50 "
                + Fmt.latency(http.dP50Us())
                + " = "
                + Fmt.latency(http.ledgerWaitUs())
                + ", median of the per-round differences; fsync p50 "
                + Fmt.latency(period)
                + ", p90 "
                + Fmt.latency(f.get("p90_us"))
                + ", p99 "
                + Fmt.latency(f.get("p99_us"))
                + " over "
                + Fmt.number(f.get("samples"), 0)
                + " fsyncs in this run"
                + (Double.isNaN(http.eCommitUs())
                    ? ""
                    : "; E's own group commits (vigil.ledger.commit.latency) took "
                        + Fmt.latency(http.eCommitUs())
                        + " on average, "
                        + Fmt.number(http.eEntriesPerCommit(), 1)
                        + " entries each")
                + ")",
            true,
            MAX_LEDGER_WAIT_FSYNCS)
        .guarded(LEDGER_WAIT);
  }

  /** p99 at 50% of E's maximum, with the generator's own p99 at that rate beside it. */
  static Target halfE(HalfE halfE) {
    String name = "p99 at 50% of E's maximum, demo model, generator and gateway on separate cores";
    String goal = "<= " + Fmt.number(MAX_P99_HALF_E_MS, 0) + " ms";
    if (halfE.f50().isEmpty()) {
      return Target.notMeasured(name, goal, "not run; " + halfE.placement()).guarded(P99_HALF_E);
    }
    Row r = halfE.f50().get();
    String floor =
        halfE
            .floor()
            .map(
                g ->
                    "; the generator's own p99 at that rate on GET /v2 (its floor): "
                        + Fmt.latency(g.get("p99_us")))
            .orElse("; the generator's floor not measured");
    String ledger =
        halfE
            .ledger()
            .map(
                l ->
                    "; the ledger alone at that rate on the gateway's CPU (its floor): p99 "
                        + Fmt.latency(l.get("p99_us"))
                        + ", p99.9 "
                        + Fmt.latency(l.get("p999_us"))
                        + " ("
                        + Fmt.number(l.get("entries_per_commit"), 1)
                        + " entries a commit; "
                        + l.note()
                        + ")")
            .orElse("; the ledger's floor not measured");
    return Target.bound(
            name,
            goal,
            r.get("p99_us") / 1000,
            Fmt.latency(r.get("p99_us"))
                + " at "
                + Fmt.rate(r.get("target_rate"))
                + " (p50 "
                + Fmt.latency(r.get("p50_us"))
                + ", p99.9 "
                + Fmt.latency(r.get("p999_us"))
                + ", "
                + r.id()
                + ")"
                + floor
                + ledger
                + "; "
                + halfE.placement(),
            true,
            MAX_P99_HALF_E_MS)
        .guarded(P99_HALF_E);
  }
}
