package io.vigil.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenarios C, D and E with the demo model, closed loop under wrk, in alternating rounds on two
 * live gateway JVMs, so that every ratio compares numbers measured minutes, not hours, apart: C is
 * {@code GET /v2} (a precomputed JSON buffer on the same router) on the LEDGER_OFF gateway, D is
 * infer on it, E is infer on the AS_SHIPPED gateway, all at {@link #CONNECTIONS}; C and E again at
 * {@link #WIDE_CONNECTIONS} (issue 19's E/C). Before the first round each gateway is warmed on each
 * path it serves until its JIT has settled ({@link JitWarmUp}).
 */
final class ClosedLoopRounds {

  /** Connections for closed-loop maxima. */
  static final int CONNECTIONS = 32;

  /**
   * Connections of the second closed-loop point, C and E only: enough requests in flight to hide
   * the ledger's commit wait (Little's law), where issue 19 asks for E/C.
   */
  static final int WIDE_CONNECTIONS = 128;

  private final Wrk wrk;
  private final JitWarmUp warmUp;
  private final Duration measure;
  private final int rounds;

  ClosedLoopRounds(Wrk wrk, JitWarmUp warmUp, Duration measure, int rounds) {
    this.wrk = wrk;
    this.warmUp = warmUp;
    this.measure = measure;
    this.rounds = rounds;
  }

  /**
   * The medians over the rounds.
   *
   * @param ledgerWaitUs E's p50 minus D's p50 at {@link #CONNECTIONS}, the latency the ledger adds
   * @param dP50Us D's p50 at {@link #CONNECTIONS}
   * @param eP50Us E's p50 at {@link #CONNECTIONS}
   * @param c128 C at {@link #WIDE_CONNECTIONS}
   * @param e128 E at {@link #WIDE_CONNECTIONS}
   * @param eOverC128 the median of the per-round E/C at {@link #WIDE_CONNECTIONS}
   * @param eCommitUs the mean time of E's gateway's group commits in its windows at {@link
   *     #CONNECTIONS}, µs, from its own {@code vigil.ledger.commit.latency}
   * @param eEntriesPerCommit ledger entries per group commit in those windows
   */
  record Outcome(
      double c,
      double d,
      double e,
      double dOverC,
      double eOverD,
      double eCpuUs,
      double eMeanBatch,
      long maxRssKb,
      long maxHwmKb,
      double ledgerWaitUs,
      double dP50Us,
      double eP50Us,
      double c128,
      double e128,
      double eOverC128,
      double eCommitUs,
      double eEntriesPerCommit) {}

  Outcome run(HostedGateway off, HostedGateway shipped, Results results)
      throws IOException, InterruptedException {
    BenchModel demo = BenchModel.DEMO;
    List<String> bodies = demo.requestBodies();
    String infer = "infer, demo model";
    results.add(
        warmUp.warm(off, "infer", infer, demo.inferPath(), bodies, CONNECTIONS, true).row());
    results.add(warmUp.warm(off, "v2", "GET /v2", "/v2", List.of(), CONNECTIONS, false).row());
    results.add(
        warmUp.warm(shipped, "infer", infer, demo.inferPath(), bodies, CONNECTIONS, true).row());
    List<Double> c = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    List<Double> e = new ArrayList<>();
    List<Double> dOverC = new ArrayList<>();
    List<Double> eOverD = new ArrayList<>();
    List<Double> eCpu = new ArrayList<>();
    List<Double> eBatch = new ArrayList<>();
    List<Double> ledgerWait = new ArrayList<>();
    List<Double> dP50 = new ArrayList<>();
    List<Double> eP50 = new ArrayList<>();
    List<Double> c128 = new ArrayList<>();
    List<Double> e128 = new ArrayList<>();
    List<Double> eOverC128 = new ArrayList<>();
    List<Double> eCommit = new ArrayList<>();
    List<Double> ePerCommit = new ArrayList<>();
    long maxRss = 0;
    long maxHwm = 0;
    for (int round = 1; round <= rounds; round++) {
      Row rc = null;
      Row rd = null;
      Row re = null;
      Row rc128 = null;
      Row re128 = null;
      // Odd rounds C, D, E, then E and C at 128; even rounds the other way round: a drifting
      // machine favours neither side, and each ratio's two windows stay next to each other.
      List<String> order =
          round % 2 == 1
              ? List.of("C", "D", "E", "E128", "C128")
              : List.of("C128", "E128", "E", "D", "C");
      for (String s : order) {
        switch (s) {
          case "C" ->
              rc =
                  measured(
                      "C",
                      round,
                      off,
                      "/v2",
                      List.of(),
                      "GET /v2 (static JSON, same router), LEDGER_OFF gateway");
          case "D" ->
              rd =
                  measured(
                      "D", round, off, demo.inferPath(), bodies, "infer, demo model, LEDGER_OFF");
          case "E" ->
              re =
                  measured(
                      "E",
                      round,
                      shipped,
                      demo.inferPath(),
                      bodies,
                      "infer, demo model, AS_SHIPPED");
          case "C128" ->
              rc128 =
                  window(
                      wrk,
                      off,
                      "/v2",
                      List.of(),
                      WIDE_CONNECTIONS,
                      measure,
                      "C@" + WIDE_CONNECTIONS + "/" + round,
                      "GET /v2 (static JSON, same router), LEDGER_OFF gateway");
          default ->
              re128 =
                  window(
                      wrk,
                      shipped,
                      demo.inferPath(),
                      bodies,
                      WIDE_CONNECTIONS,
                      measure,
                      "E@" + WIDE_CONNECTIONS + "/" + round,
                      "infer, demo model, AS_SHIPPED");
        }
      }
      results.add(rc);
      results.add(rd);
      results.add(re);
      results.add(rc128);
      results.add(re128);
      ledgerWait.add(re.get("p50_us") - rd.get("p50_us"));
      dP50.add(rd.get("p50_us"));
      eP50.add(re.get("p50_us"));
      c128.add(rc128.get("rate"));
      e128.add(re128.get("rate"));
      eOverC128.add(re128.get("rate") / rc128.get("rate"));
      eCommit.add(re.get("commit_mean_us"));
      ePerCommit.add(re.get("entries_per_commit"));
      c.add(rc.get("rate"));
      d.add(rd.get("rate"));
      e.add(re.get("rate"));
      dOverC.add(rd.get("rate") / rc.get("rate"));
      eOverD.add(re.get("rate") / rd.get("rate"));
      eCpu.add(re.get("cpu_us_per_request"));
      eBatch.add(re.get("mean_batch"));
      maxRss = Math.max(maxRss, (long) re.get("rss_kb"));
      maxHwm = Math.max(maxHwm, (long) re.get("hwm_kb"));
    }
    Outcome o =
        new Outcome(
            Stats.median(c),
            Stats.median(d),
            Stats.median(e),
            Stats.median(dOverC),
            Stats.median(eOverD),
            Stats.median(eCpu),
            Stats.median(eBatch),
            maxRss,
            maxHwm,
            Stats.median(ledgerWait),
            Stats.median(dP50),
            Stats.median(eP50),
            Stats.median(c128),
            Stats.median(e128),
            Stats.median(eOverC128),
            Stats.median(eCommit),
            Stats.median(ePerCommit));
    String wide = "@" + WIDE_CONNECTIONS;
    results.add(summary("C", "median of " + rounds + " rounds", o.c()));
    results.add(summary("D", "median of " + rounds + " rounds", o.d()));
    results.add(summary("E", "median of " + rounds + " rounds", o.e()));
    results.add(summary("C" + wide, "median of " + rounds + " rounds", o.c128()));
    results.add(summary("E" + wide, "median of " + rounds + " rounds", o.e128()));
    results.add(ratio("D/C", "median of the per-round ratios", o.dOverC()));
    results.add(ratio("E/D", "median of the per-round ratios", o.eOverD()));
    results.add(ratio("E/C" + wide, "median of the per-round ratios", o.eOverC128()));
    return o;
  }

  private Row measured(
      String id, int round, HostedGateway gateway, String path, List<String> bodies, String what)
      throws IOException, InterruptedException {
    return window(wrk, gateway, path, bodies, CONNECTIONS, measure, id + "/" + round, what);
  }

  /**
   * One measured closed-loop window of wrk at {@code connections} on {@code gateway}, with the
   * gateway JVM's CPU, JIT time and memory over the window.
   */
  static Row window(
      Wrk wrk,
      HostedGateway gateway,
      String path,
      List<String> bodies,
      int connections,
      Duration measure,
      String id,
      String what)
      throws IOException, InterruptedException {
    HostStats before = gateway.stats();
    Wrk.Result r = wrk.run(gateway.target(), path, bodies, connections, measure);
    HostStats after = gateway.stats();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rate", r.rate());
    m.put("requests", (double) r.requests());
    m.put("p50_us", r.p50Us());
    m.put("p99_us", r.p99Us());
    m.put("p999_us", r.p999Us());
    m.put("cpu_us_per_request", after.cpuMicrosPerRequest(before, r.ok()));
    m.put("mean_batch", after.meanBatch(before));
    m.put("jit_ms", after.jitMillis(before));
    m.put("rss_kb", (double) after.rssKb());
    m.put("hwm_kb", (double) after.hwmKb());
    m.put("errors", (double) (r.statusErrors() + r.socketErrors()));
    // The gateway's own commits in the window (vigil.ledger.commit.latency); absent without a
    // ledger.
    m.put("commit_mean_us", after.commitMeanMicros(before));
    m.put("entries_per_commit", after.entriesPerCommit(before));
    return new Row(
        id, what + ", wrk -t1 -c" + connections, m, "closed loop; wrk's latencies, not corrected");
  }

  private static Row summary(String id, String what, double rate) {
    return Row.of(id, what, Map.of("rate", rate));
  }

  private static Row ratio(String id, String what, double ratio) {
    return Row.of(id, what, Map.of("ratio", ratio));
  }
}
