package io.vigil.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Open-loop scenarios: F, latency at a fixed fraction of E's maximum, timed from each request's
 * intended send time; and G, the generator's own capacity against the static endpoint.
 */
final class FixedRateScenarios {

  /** The rate the generator must sustain on this box. */
  static final double GENERATOR_CHECK_RATE = 20_000;

  /** Connections of the open-loop generator's pool. */
  static final int CONNECTIONS = 32;

  /**
   * The ledger's floor appends this long unrecorded first: its JIT settles and its WAL, new, grows
   * to the size it is then reused at (the growing file's fsyncs cost more).
   */
  static final Duration LEDGER_FLOOR_WARM_UP = Duration.ofSeconds(5);

  private final OpenLoopRun generator;
  private final Duration warmUp;
  private final Duration measure;

  FixedRateScenarios(OpenLoopRun generator, Duration warmUp, Duration measure) {
    this.generator = generator;
    this.warmUp = warmUp;
    this.measure = measure;
  }

  /**
   * The same scenarios with the generator's JVM started through {@code launcher} ({@code taskset -c
   * N}).
   */
  FixedRateScenarios launchedWith(List<String> launcher) {
    return new FixedRateScenarios(generator.launchedWith(launcher), warmUp, measure);
  }

  /** G: the generator at {@link #GENERATOR_CHECK_RATE} against {@code GET /v2}. */
  Row generatorCapacity(HostedGateway gateway) throws IOException, InterruptedException {
    return staticAt(
        gateway,
        GENERATOR_CHECK_RATE,
        "G",
        "open-loop generator capacity: GET /v2 at a fixed "
            + Fmt.rate(GENERATOR_CHECK_RATE)
            + ", LEDGER_OFF gateway");
  }

  /**
   * The generator against {@code GET /v2} at {@code rate}: its floor, what it alone adds to a
   * latency measured at that rate.
   */
  Row staticAt(HostedGateway gateway, double rate, String id, String what)
      throws IOException, InterruptedException {
    HostStats before = gateway.stats();
    Window window = new Window();
    JsonObject r =
        generator.run(
            gateway.port(),
            "/v2",
            List.of(),
            rate,
            CONNECTIONS,
            warmUp,
            measure,
            window.listener(gateway));
    HostStats after = gateway.stats();
    return row(id, what, r, window, before, after, after.ledgerAdded(before));
  }

  /** F: infer on the AS_SHIPPED gateway at {@code fraction} of E's maximum rate. */
  Row latencyAt(HostedGateway shipped, double eMaxRate, double fraction)
      throws IOException, InterruptedException {
    int percent = (int) Math.round(fraction * 100);
    return latencyAt(
        shipped,
        eMaxRate,
        fraction,
        "F/" + percent + "%",
        "infer, demo model, AS_SHIPPED, open loop at " + percent + "% of E");
  }

  /** As above, its row named {@code id} and {@code what}. */
  Row latencyAt(HostedGateway shipped, double eMaxRate, double fraction, String id, String what)
      throws IOException, InterruptedException {
    BenchModel demo = BenchModel.DEMO;
    HostStats before = shipped.stats();
    Window window = new Window();
    JsonObject r =
        generator.run(
            shipped.port(),
            demo.inferPath(),
            demo.requestBodies(),
            eMaxRate * fraction,
            CONNECTIONS,
            warmUp,
            measure,
            window.listener(shipped));
    HostStats after = shipped.stats();
    // The prediction entries only: the ledger also records events (a monitoring window's
    // verdict, a checkpoint's), which answer no request.
    long predictions =
        after.ledger() < 0 || before.ledger() < 0
            ? -1
            : shipped.predictions(before.ledger(), after.ledger());
    return row(id, what, r, window, before, after, predictions);
  }

  /**
   * F at 50% of E with the gateway and the generator on separate CPUs, and the generator alone on
   * {@code GET /v2} at the same rate placed the same way (its floor); where the run cannot pin, the
   * unpinned F/50% (one of {@code fRows}) with the generator's floor measured unpinned, and why.
   * Each pinned gateway gets every CPU back after its run; the pinned F row joins {@code fRows}.
   *
   * <p>Pinned, "E's maximum" is E measured the same way ({@code wrk}, closed loop, pinned to the
   * generator's CPU, the gateway to its own): a gateway held to one CPU serves less than one with
   * every CPU, so half of the unpinned E can be all of the pinned gateway's capacity (on a 2-CPU
   * machine it was: its queues grew, p50 1.4 s), which measures saturation, not latency at half
   * load.
   */
  RequestPathTargets.HalfE halfE(
      CpuPinning pinning,
      Wrk wrk,
      HostedGateway off,
      HostedGateway shipped,
      double eMaxRate,
      List<Row> fRows,
      Results results)
      throws IOException, InterruptedException {
    String placement = pinning.note();
    if (pinning.possible()) {
      System.out.println("bench: F at 50% of E, pinned: " + placement);
      FixedRateScenarios pinned = launchedWith(pinning.generatorLauncher());
      String where =
          ", gateway JVM on CPU "
              + pinning.gatewayCpu()
              + ", generator on CPU "
              + pinning.generatorCpu();
      try {
        Row f;
        try (CpuPinning.Pinned p = pinning.pinGateway(shipped.pid())) {
          Row e = pinnedMaximum(wrk.launchedWith(pinning.generatorLauncher()), shipped, where);
          results.add(e);
          f =
              pinned.latencyAt(
                  shipped,
                  e.get("rate"),
                  0.5,
                  "F/50%/pinned",
                  "infer, demo model, AS_SHIPPED, open loop at 50% of E/pinned" + where);
        }
        results.add(f);
        fRows.add(f);
        Row floor;
        try (CpuPinning.Pinned p = pinning.pinGateway(off.pid())) {
          floor =
              pinned.staticAt(
                  off,
                  f.get("target_rate"),
                  "G/50%/pinned",
                  "the generator's floor: GET /v2 at F/50%'s rate, LEDGER_OFF gateway" + where);
        }
        results.add(floor);
        Optional<Row> ledger = ledgerFloor(pinning, f.get("target_rate"));
        ledger.ifPresent(results::add);
        return new RequestPathTargets.HalfE(Optional.of(f), Optional.of(floor), ledger, placement);
      } catch (IOException e) {
        placement = "could not pin: " + e.getMessage();
        System.out.println("bench: " + placement);
      }
    }
    Optional<Row> f50 = fRows.stream().filter(r -> r.id().equals("F/50%")).findFirst();
    Optional<Row> floor = Optional.empty();
    if (f50.isPresent()) {
      System.out.println("bench: the generator's floor at F/50%'s rate, unpinned");
      Row g =
          staticAt(
              off,
              f50.get().get("target_rate"),
              "G/50%",
              "the generator's floor: GET /v2 at F/50%'s rate, LEDGER_OFF gateway, unpinned");
      results.add(g);
      floor = Optional.of(g);
    }
    return new RequestPathTargets.HalfE(
        f50, floor, Optional.empty(), placement + "; unpinned F/50%");
  }

  /**
   * The ledger alone at {@code rate} on the gateway's CPU, or nothing where it could not run (said,
   * and the target then says its floor was not measured): a floor is not worth the run's other
   * figures.
   */
  private Optional<Row> ledgerFloor(CpuPinning pinning, double rate) throws InterruptedException {
    System.out.println("bench: the ledger's floor at F/50%/pinned's rate, on the gateway's CPU");
    try {
      return Optional.of(
          LedgerFloor.measure(
              pinning.gatewayLauncher(),
              generator.workDir(),
              "L/50%/pinned",
              rate,
              LEDGER_FLOOR_WARM_UP,
              measure,
              "the ledger's floor: the ledger alone (FULL, group commit; no HTTP, no model) at"
                  + " F/50%/pinned's rate, its JVM on CPU "
                  + pinning.gatewayCpu()));
    } catch (IOException | RuntimeException e) {
      System.out.println("bench: the ledger's floor could not run: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * E with the gateway pinned: wrk, closed loop at E's connections, pinned to the generator's CPU;
   * a first run of the same length settles the JIT for the new placement, the second is the row.
   */
  private Row pinnedMaximum(Wrk pinnedWrk, HostedGateway shipped, String where)
      throws IOException, InterruptedException {
    pinnedWrk.demoInfer(shipped.port(), measure);
    Wrk.Result r = pinnedWrk.demoInfer(shipped.port(), measure);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rate", r.rate());
    m.put("p50_us", r.p50Us());
    m.put("p99_us", r.p99Us());
    return new Row(
        "E/pinned",
        "E's maximum with the gateway pinned: infer, demo model, AS_SHIPPED, wrk closed loop"
            + where,
        m,
        "the rate F/50%/pinned takes half of");
  }

  /** The row of a run; {@code ledgerAdded} is the prediction entries it added, -1 without one. */
  private static Row row(
      String id,
      String what,
      JsonObject r,
      Window window,
      HostStats before,
      HostStats after,
      long ledgerAdded) {
    double seconds = r.getDouble("seconds");
    long ok = r.getLong("ok");
    long okTotal = r.getLong("ok_total");
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("target_rate", r.getDouble("target_rate"));
    m.put("rate", ok / seconds);
    m.put("p50_us", r.getDouble("p50_us"));
    m.put("p99_us", r.getDouble("p99_us"));
    m.put("p999_us", r.getDouble("p999_us"));
    m.put("max_us", r.getDouble("max_us"));
    m.put("uncorrected_p99_us", r.getDouble("uncorrected_p99_us"));
    m.put("send_lag_p99_us", r.getDouble("send_lag_p99_us"));
    HostStats windowStart = window.start == null ? before : window.start;
    HostStats windowEnd = window.end == null ? after : window.end;
    m.put("cpu_us_per_request", windowEnd.cpuMicrosPerRequest(windowStart, ok));
    m.put("generator_cpu_us_per_request", r.getDouble("cpu_seconds") * 1e6 / Math.max(1, ok));
    m.put("mean_batch", windowEnd.meanBatch(windowStart));
    // The gateway was JIT-settled before (the E warm-up): compilation in the window shows here.
    m.put("jit_ms", windowEnd.jitMillis(windowStart));
    m.put("rss_kb", (double) after.rssKb());
    m.put("hwm_kb", (double) after.hwmKb());
    m.put("errors", (double) (r.getLong("failed") + r.getLong("unfinished")));
    // The whole generator run, warm-up included: every answered request must be in the ledger.
    m.put("ok_total", (double) okTotal);
    m.put("ledger_added", (double) ledgerAdded);
    String note =
        "latency from intended send time; generator send lag p50 "
            + Fmt.latency(r.getDouble("send_lag_p50_us"))
            + ", p99 "
            + Fmt.latency(r.getDouble("send_lag_p99_us"));
    return new Row(id, what, m, note);
  }

  /** The gateway's stats when the measured window opened and closed. */
  private static final class Window {
    private HostStats start;
    private HostStats end;

    Consumer<String> listener(HostedGateway gateway) {
      return mark -> {
        if (mark.equals("start")) {
          start = gateway.stats();
        } else if (mark.equals("end")) {
          end = gateway.stats();
        }
      };
    }
  }
}
