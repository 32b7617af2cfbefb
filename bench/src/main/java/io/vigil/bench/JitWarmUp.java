package io.vigil.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Warms a gateway under test with the load it will be measured under (wrk on the same path, body
 * and connections) in windows of a few seconds, until its JIT has settled: the JVM's accumulated
 * JIT compilation time ({@link HostStats#jitMillis}) grew by less than a fixed fraction of the
 * window's wall time in the last window. On a 2-core box a fixed 5 s warm-up left C2 busy through
 * the first measured minute; a window now opens only on a gateway whose compilers are quiet.
 */
final class JitWarmUp {

  /** How long to warm and when the JIT counts as settled. */
  record Policy(Duration window, Duration min, Duration max, double settledFraction) {

    /** The full run: 5 s windows, 15–60 s per gateway, settled below 2% (100 ms per 5 s). */
    static final Policy FULL =
        new Policy(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60), 0.02);

    /**
     * {@code --baseline-jar}: 5 s windows, 10–30 s per gateway, the same 2%; four gateways warm up
     * there, so a shorter cap keeps that run near 8 minutes.
     */
    static final Policy COMPARE =
        new Policy(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), 0.02);

    /** {@code --quick}: 2 s windows, 4–10 s per gateway, the same 2%. */
    static final Policy QUICK =
        new Policy(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(10), 0.02);

    Policy {
      if (window.toSeconds() < 1 || min.compareTo(window) < 0 || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "need 1 s <= window <= min <= max: " + window + ", " + min + ", " + max);
      }
    }

    /** Windows a first warm-up of a gateway takes at least. */
    int minWindows() {
      return (int) ((min.toMillis() + window.toMillis() - 1) / window.toMillis());
    }

    /** Windows any warm-up takes at most. */
    int maxWindows() {
      return (int) (max.toMillis() / window.toMillis());
    }

    /** Whether a window of {@code wallMillis} that compiled for {@code jitMillis} was quiet. */
    boolean quiet(double jitMillis, double wallMillis) {
      // NaN (a JVM that does not report JIT time) is never quiet: it warms to the cap.
      return jitMillis < settledFraction * wallMillis;
    }

    /**
     * What to do after window {@code n} (1-based) of a warm-up that must last {@code minWindows}:
     * stop once the last window was quiet and the minimum is reached, give up at the cap.
     */
    Verdict after(int n, int minWindows, double jitMillis, double wallMillis) {
      if (n >= minWindows && quiet(jitMillis, wallMillis)) {
        return Verdict.SETTLED;
      }
      return n >= maxWindows() ? Verdict.CAPPED : Verdict.CONTINUE;
    }
  }

  /** How a warm-up ended, or that it goes on. */
  enum Verdict {
    CONTINUE,
    SETTLED,
    CAPPED
  }

  /** One finished warm-up of one gateway on one path. */
  record Outcome(
      String gateway,
      String key,
      String load,
      int windows,
      double seconds,
      double lastWindowJitMs,
      double lastWindowSeconds,
      double jitMsTotal,
      Verdict verdict) {

    /** Its line in the results. */
    Row row() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("warmup_s", seconds);
      m.put("windows", (double) windows);
      m.put("last_window_jit_ms", lastWindowJitMs);
      m.put("last_window_s", lastWindowSeconds);
      m.put("jit_ms_total", jitMsTotal);
      m.put("capped", verdict == Verdict.CAPPED ? 1.0 : 0.0);
      String last =
          "JIT "
              + Fmt.number(lastWindowJitMs, 0)
              + " ms in the last "
              + Fmt.number(lastWindowSeconds, 1)
              + " s window";
      return new Row(
          "warm-up/" + gateway + "/" + key,
          "JIT warm-up, " + load,
          m,
          verdict == Verdict.SETTLED
              ? "settled: " + last
              : "**cap hit**, not settled: " + last + " at the cap");
    }
  }

  private final Wrk wrk;
  private final Policy policy;

  JitWarmUp(Wrk wrk, Policy policy) {
    this.wrk = wrk;
    this.policy = policy;
  }

  Policy policy() {
    return policy;
  }

  /**
   * Warms {@code gateway} on {@code path} until its JIT settles. A gateway's first warm-up lasts at
   * least the policy's minimum; a later one on the same gateway (another path, or a re-check before
   * another scenario) may stop after one quiet window.
   */
  Outcome warm(
      HostedGateway gateway,
      String key,
      String what,
      String path,
      List<String> bodies,
      int connections,
      boolean first)
      throws IOException, InterruptedException {
    int minWindows = first ? policy.minWindows() : 1;
    String load = gateway.name() + ": " + what + ", wrk -t1 -c" + connections;
    long start = System.nanoTime();
    for (int n = 1; ; n++) {
      HostStats before = gateway.stats();
      long windowStart = System.nanoTime();
      wrk.run(gateway.target(), path, bodies, connections, policy.window());
      double wallMs = (System.nanoTime() - windowStart) / 1e6;
      HostStats after = gateway.stats();
      double jitMs = after.jitMillis(before);
      Verdict verdict = policy.after(n, minWindows, jitMs, wallMs);
      System.out.printf(
          Locale.ROOT,
          "bench: warm-up %s/%s: window %d, JIT +%.0f ms in %.1f s%s%n",
          gateway.name(),
          key,
          n,
          jitMs,
          wallMs / 1e3,
          verdict == Verdict.CONTINUE ? "" : " (" + verdict.name().toLowerCase(Locale.ROOT) + ")");
      System.out.flush();
      if (verdict != Verdict.CONTINUE) {
        return new Outcome(
            gateway.name(),
            key,
            load,
            n,
            (System.nanoTime() - start) / 1e9,
            jitMs,
            wallMs / 1e3,
            after.jitMillis(),
            verdict);
      }
    }
  }
}
