package io.vigil.bench;

import io.vigil.bench.GatewayUnderTest.Variant;
import io.vigil.inference.bundle.Bundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench/run}: measures every scenario of BENCHMARKS.md in one run on this machine and writes
 * {@code results.json} and {@code results.md}. Bounded in time: a watchdog ends the run and every
 * process it started.
 */
public final class Bench {

  private static final double[] FRACTIONS_OF_E = {0.25, 0.5, 0.75};

  /** At most this many fsyncs in the probe: a few seconds on a disk, a bound on tmpfs. */
  private static final int FSYNC_MAX_SAMPLES = 20_000;

  private final Path out;
  private final Path work;
  private final Path vigilJar;
  private final boolean quick;
  private final boolean profile;
  private final Duration warmUp;
  private final JitWarmUp.Policy jitWarmUp;
  private final Duration measure;

  /** How long the profile's first, discarded recording runs under load (see the profile pass). */
  private static final Duration JFR_SETTLE = Duration.ofSeconds(30);

  private final int rounds;
  private final int batcherRounds;
  private final boolean noFail;
  private final String commit;
  private final Optional<Path> history;
  private final CpuPinning pinning;
  private final Results results;

  private Bench(Flags f) throws IOException {
    this.out = Files.createDirectories(Path.of(f.text("out", "bench/target/results")));
    this.work = Files.createDirectories(out.resolve("work"));
    this.vigilJar = Path.of(f.text("vigil-jar", "packaging/target/vigil.jar"));
    this.quick = f.bool("quick");
    this.profile = !f.bool("no-profile");
    this.warmUp = Duration.ofSeconds(quick ? 2 : 5);
    this.jitWarmUp = quick ? JitWarmUp.Policy.QUICK : JitWarmUp.Policy.FULL;
    this.measure = Duration.ofSeconds(quick ? 3 : 10);
    this.rounds = quick ? 1 : 3;
    this.batcherRounds = quick ? 1 : 2;
    this.noFail = f.bool("no-fail");
    this.commit = f.text("commit", "");
    // Only full runs make history: a quick run's numbers are not for the table.
    this.history =
        quick || f.bool("no-history")
            ? Optional.empty()
            : Optional.of(Path.of(f.text("history", TargetHistory.FILE)));
    this.pinning = CpuPinning.detect();
    this.results = new Results(Machine.describe(f.text("command", "bench/run")));
  }

  /**
   * {@code [--quick] [--no-profile] [--no-fail] [--no-history] [--commit=REV] [--history=FILE]
   * [--out=DIR] [--vigil-jar=FILE] [--command=TEXT]}; exits with {@link TargetGate#EXIT_MISSED}
   * when one of issue 19's guarded targets was missed, unless {@code --no-fail}; with {@code
   * --baseline-jar=PATH}, a before/after comparison with that build instead ({@link Comparison});
   * with {@code --bindings}, the protocol's forms side by side instead ({@link BindingsBench}).
   */
  public static void main(String[] args) throws Exception {
    Flags f = Flags.parse(args);
    if (f.bool("bindings")) {
      BindingsBench.run(f);
      return;
    }
    if (CompareOptions.wanted(f)) {
      Comparison.run(f);
      return;
    }
    Watchdog.start(Duration.ofMinutes(f.bool("quick") ? 10 : 22));
    Bench bench = new Bench(f);
    int status = bench.run();
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Measures, writes the results and the history, and returns the run's exit status. */
  private int run() throws Exception {
    say("A: ONNX Runtime in process");
    OrtFloor floor =
        new OrtFloor(Duration.ofMillis(quick ? 200 : 500), Duration.ofMillis(quick ? 500 : 1500));
    results.addAll(floor.measure(BenchModel.DEMO));
    results.addAll(floor.measure(BenchModel.CONV));
    // Built once: A and both batcher gateways use the same bytes.
    Bundle mlp = BenchModel.MLP.bundle();
    results.addAll(floor.measure(BenchModel.MLP.key(), mlp, BenchModel.MLP.row()));
    for (BenchModel m : List.of(BenchModel.CONV, BenchModel.MLP)) {
      say(
          m.modelId()
              + " costs "
              + perRow(m, 1)
              + " per row at batch 1, "
              + perRow(m, 32)
              + " at batch 32 (median call, 1 intra-op thread)");
    }

    say("B: ledger writer alone");
    results.add(
        LedgerWriterBench.measure(work, warmUp, measure)
            .orElse(
                new Row(
                    "B",
                    "ledger writer alone, as shipped",
                    Map.of(),
                    "not measured: the audit module's ledger writer is not wired in yet")));

    say("fsync: the disk under the gateways' data");
    Row fsync = FsyncProbe.measure(work, Duration.ofMillis(quick ? 1500 : 4000), FSYNC_MAX_SAMPLES);
    results.add(fsync);

    Wrk wrk = new Wrk(work);
    JitWarmUp jit = new JitWarmUp(wrk, jitWarmUp);
    FixedRateScenarios fixedRate =
        new FixedRateScenarios(new OpenLoopRun(work), Duration.ofSeconds(quick ? 2 : 3), measure);
    ClosedLoopRounds.Outcome http;
    RequestPathTargets.HalfE halfE;
    List<Row> fRows = new ArrayList<>();
    long maxRssKb;
    try (HostedGateway off =
            HostedGateway.start(Variant.LEDGER_OFF, BenchModel.DEMO, 32, work, "demo-ledger-off");
        HostedGateway shipped =
            HostedGateway.start(Variant.AS_SHIPPED, BenchModel.DEMO, 32, work, "demo-as-shipped")) {
      say(
          "C, D, E: JIT warm-up of each gateway and path ("
              + jitWarmUp.min().toSeconds()
              + "-"
              + jitWarmUp.max().toSeconds()
              + " s), then "
              + rounds
              + " alternating round(s), C, D and E at "
              + ClosedLoopRounds.CONNECTIONS
              + " connections, C and E at "
              + ClosedLoopRounds.WIDE_CONNECTIONS);
      http = new ClosedLoopRounds(wrk, jit, measure, rounds).run(off, shipped, results);
      maxRssKb = http.maxRssKb();
      if (profile) {
        // Right after E, in the state E was measured in: after F's overloaded rates the gateway's
        // heap holds what their queues promoted, and G1's marking of it read as 8-11 µs a request.
        results.add(threadSplit(wrk, shipped));
      }

      say("G: open-loop generator capacity");
      Row g = fixedRate.generatorCapacity(off);
      results.add(g);
      generatorTarget(g);

      // The AS_SHIPPED gateway settled before E; one more window shows it still is before F.
      results.add(
          jit.warm(
                  shipped,
                  "infer-before-F",
                  "infer, demo model (re-check before F)",
                  BenchModel.DEMO.inferPath(),
                  BenchModel.DEMO.requestBodies(),
                  ClosedLoopRounds.CONNECTIONS,
                  false)
              .row());
      for (double fraction : FRACTIONS_OF_E) {
        say("F: open loop at " + Math.round(fraction * 100) + "% of E");
        Row f = fixedRate.latencyAt(shipped, http.e(), fraction);
        results.add(f);
        fRows.add(f);
        maxRssKb = Math.max(maxRssKb, (long) f.get("rss_kb"));
      }
      halfE = fixedRate.halfE(pinning, wrk, off, shipped, http.e(), fRows, results);
      if (halfE.f50().isPresent()) {
        maxRssKb = Math.max(maxRssKb, (long) halfE.f50().get().get("rss_kb"));
      }
      if (profile) {
        say("profile: JFR on the AS_SHIPPED gateway at E's maximum");
        Path jfr = out.resolve("gateway-E.jfr");
        // A JVM's first recording deoptimises its compiled code: E fell from 12.8k to 2.6k req/s
        // and took some 25 s to recover here, and a profile of that is of the JIT at work. So a
        // first recording, under load for JFR_SETTLE, is thrown away; a second one costs little.
        shipped.startRecording();
        wrk.demoInfer(shipped.port(), JFR_SETTLE);
        shipped.discardRecording();
        shipped.startRecording();
        Wrk.Result r = wrk.demoInfer(shipped.port(), measure);
        shipped.stopRecording(jfr);
        results.add(
            new Row(
                "E/profiled",
                "E again under JFR (profile settings, 1 ms sampling), a settled recording",
                Map.of("rate", r.rate(), "p99_us", r.p99Us(), "of_E", r.rate() / http.e()),
                "recording: " + jfr.getFileName()));
        results.hotPath(JfrHotPath.summarize(jfr, 20));
      }
    }

    BatcherScenario batching = new BatcherScenario(wrk, jit, measure, batcherRounds);
    BatcherScenario.Outcome batcher = batcher(batching, BenchModel.MLP, mlp);
    BatcherScenario.Outcome batcherContext =
        batcher(batching, BenchModel.CONV, BenchModel.CONV.bundle());

    say("start to ready: " + vigilJar);
    Optional<Row> startup = startup();
    startup.ifPresent(results::add);

    RequestPathTargets.evaluate(results, http, Optional.of(fsync), halfE);
    TargetCheck.evaluate(
        results, http, Optional.of(batcher), Optional.of(batcherContext), startup, maxRssKb);
    TargetCheck.ledger(results, fRows);
    TargetCheck.warmUps(results, jitWarmUp);
    results.machine().put("load_after", Machine.loadAverage());
    write();
    if (history.isPresent()) {
      appendHistory(history.get(), http, fsync, halfE);
    }
    String banner = TargetGate.banner(results.targets(), noFail);
    if (!banner.isEmpty()) {
      System.out.println();
      System.out.print(banner);
      System.out.flush();
    }
    return TargetGate.exitStatus(results.targets(), noFail);
  }

  /** One line in the history of the guarded targets, and the history as Markdown beside results. */
  private void appendHistory(
      Path file, ClosedLoopRounds.Outcome http, Row fsync, RequestPathTargets.HalfE halfE)
      throws IOException {
    Map<String, Double> context = new LinkedHashMap<>();
    context.put(TargetHistory.LEDGER_WAIT_US, http.ledgerWaitUs());
    context.put(TargetHistory.FSYNC_P50_US, fsync.get("p50_us"));
    context.put(
        TargetHistory.GENERATOR_P99_MS,
        halfE.floor().map(g -> g.get("p99_us") / 1000).orElse(Double.NaN));
    context.put(
        TargetHistory.LEDGER_FLOOR_P99_MS,
        halfE.ledger().map(l -> l.get("p99_us") / 1000).orElse(Double.NaN));
    boolean pinned = halfE.f50().map(r -> r.id().endsWith("/pinned")).orElse(false);
    TargetHistory.Table table =
        TargetHistory.appendTo(
            file,
            TargetHistory.entry(
                commit, java.time.ZonedDateTime.now(), results.targets(), context, pinned));
    Files.writeString(
        out.resolve("history.md"), TargetHistory.markdown(table), StandardCharsets.UTF_8);
    say(
        "appended this run to "
            + file
            + " ("
            + table.rows().size()
            + " runs; as Markdown in "
            + out.resolve("history.md")
            + ")");
  }

  /** The batcher scenario for one model: a batching and a non-batching gateway, side by side. */
  private BatcherScenario.Outcome batcher(BatcherScenario scenario, BenchModel model, Bundle bundle)
      throws IOException, InterruptedException {
    say(
        "batcher: "
            + model.modelId()
            + ", concurrency "
            + BatcherScenario.CONCURRENCY
            + ", max batch "
            + BatcherScenario.MAX_BATCH
            + " vs 1, "
            + batcherRounds
            + " alternating round(s)");
    try (HostedGateway on =
            HostedGateway.start(
                Variant.AS_SHIPPED,
                model,
                bundle,
                BatcherScenario.MAX_BATCH,
                work,
                model.key() + "-batch-" + BatcherScenario.MAX_BATCH);
        HostedGateway off =
            HostedGateway.start(
                Variant.AS_SHIPPED, model, bundle, 1, work, model.key() + "-batch-1")) {
      return scenario.run(model, on, off, results);
    }
  }

  private String perRow(BenchModel model, int batch) {
    return results
        .row(OrtFloor.id(model, OrtFloor.Api.ONNX_MODEL, 1, batch))
        .map(r -> Fmt.micros(r.get("us_per_row_p50")))
        .orElse("n/a");
  }

  private Optional<Row> startup() throws IOException, InterruptedException {
    if (!Files.isRegularFile(vigilJar)) {
      say("no " + vigilJar + ": run bench/run, which builds it first");
      return Optional.empty();
    }
    StartupProbe probe = new StartupProbe(vigilJar, work);
    List<Double> millis = new ArrayList<>();
    List<Double> reported = new ArrayList<>();
    int attempts = quick ? 1 : 3;
    for (int i = 1; i <= attempts; i++) {
      StartupProbe.Start start = probe.measure(i);
      millis.add(start.wallMillis());
      reported.add(start.reportedMillis().orElse(Double.NaN));
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("startup_median_ms", Stats.median(millis));
    m.put("startup_reported_median_ms", Stats.median(reported));
    m.put("startup_max_ms", millis.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    m.put("attempts", (double) attempts);
    return Optional.of(
        new Row(
            "startup",
            "java -Xmx256m -jar vigil.jar serve, fresh data dir, until /v2/health/ready is 200",
            m,
            "each attempt installs the demo bundle into an empty store; vigil's own \"ready in\""
                + " line (from JVM start) says "
                + Fmt.number(Stats.median(reported), 0)
                + " ms median"));
  }

  private void generatorTarget(Row g) {
    double offered = g.get("target_rate");
    boolean keptUp =
        g.get("errors") == 0 && g.get("rate") >= 0.99 * offered && g.get("p99_us") <= 10_000;
    results.target(
        new Target(
            "(harness) open-loop generator and gateway keep up with 20k req/s on GET /v2",
            "all answered, p99 <= 10 ms",
            Fmt.rate(g.get("rate"))
                + " answered, p99 "
                + Fmt.latency(g.get("p99_us"))
                + ", send lag p99 "
                + Fmt.latency(g.get("send_lag_p99_us"))
                + ", generator CPU "
                + Fmt.micros(g.get("generator_cpu_us_per_request"))
                + "/req, gateway CPU "
                + Fmt.micros(g.get("cpu_us_per_request"))
                + "/req",
            Optional.of(keptUp)));
  }

  private void write() throws IOException {
    Files.writeString(
        out.resolve("results.json"), results.toJson().encodePrettily(), StandardCharsets.UTF_8);
    String md = MarkdownReport.render(results);
    Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(md);
    say("wrote " + out.resolve("results.json") + " and " + out.resolve("results.md"));
  }

  private static void say(String line) {
    System.out.println("bench: " + line);
    System.out.flush();
  }

  /** E once more on the AS_SHIPPED gateway, its CPU per request by thread kind from /proc. */
  private Row threadSplit(Wrk wrk, HostedGateway shipped) throws IOException, InterruptedException {
    say("profile: the AS_SHIPPED gateway's threads at E's maximum, CPU from /proc");
    Map<String, Long> before = ThreadCpu.ticks(shipped.pid());
    Wrk.Result plain = wrk.demoInfer(shipped.port(), measure);
    Map<String, Double> threads =
        ThreadCpu.perRequestUs(before, ThreadCpu.ticks(shipped.pid()), plain.ok());
    Map<String, Double> threadMetrics = new java.util.LinkedHashMap<>();
    threadMetrics.put("rate", plain.rate());
    threadMetrics.put("cpu_us_per_request", threads.get("all"));
    threads.forEach((kind, us) -> threadMetrics.put("thread_us:" + kind, us));
    return new Row(
        "E/threads",
        "E again, the gateway's CPU per request by thread (/proc: native and kernel work"
            + " included)",
        threadMetrics,
        ThreadCpu.describe(threads));
  }
}
