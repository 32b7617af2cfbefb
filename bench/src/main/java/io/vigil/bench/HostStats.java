package io.vigil.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link GatewayHost} reports: its JVM's CPU time, JIT compilation time ({@code -1} where
 * the JVM does not report it), resident memory and peak, batcher runs and rows, and ledger entries
 * ({@code -1} without a ledger).
 */
record HostStats(
    long cpuNanos, long jitMillis, long rssKb, long hwmKb, long runs, long rows, long ledger) {

  /**
   * Parses a {@code stats cpu_ns=.. jit_ms=.. rss_kb=.. hwm_kb=.. runs=.. rows=.. ledger=..} line;
   * {@code jit_ms} may be missing.
   */
  static HostStats parse(String line) {
    if (!line.startsWith("stats ")) {
      throw new IllegalArgumentException("not a stats line: " + line);
    }
    Map<String, Long> v = new HashMap<>();
    for (String pair : line.substring(6).trim().split(" ")) {
      String[] kv = pair.split("=", 2);
      v.put(kv[0], Long.parseLong(kv[1]));
    }
    return new HostStats(
        v.get("cpu_ns"),
        // Hosts built before the JIT warm-up (an older bench jar as a baseline) do not report it.
        v.getOrDefault("jit_ms", -1L),
        v.get("rss_kb"),
        v.get("hwm_kb"),
        v.get("runs"),
        v.get("rows"),
        v.get("ledger"));
  }

  /** CPU microseconds per request between {@code before} and this, for {@code requests}. */
  double cpuMicrosPerRequest(HostStats before, long requests) {
    return requests <= 0 ? Double.NaN : (cpuNanos - before.cpuNanos) / 1e3 / requests;
  }

  /** JIT compilation ms between {@code before} and this; NaN where the JVM does not report it. */
  double jitMillis(HostStats before) {
    return jitMillis < 0 || before.jitMillis < 0 ? Double.NaN : jitMillis - before.jitMillis;
  }

  /** Mean rows per ONNX Runtime run between {@code before} and this. */
  double meanBatch(HostStats before) {
    long r = runs - before.runs;
    return r <= 0 ? Double.NaN : (double) (rows - before.rows) / r;
  }

  /** Ledger entries added since {@code before}; -1 when there is no ledger. */
  long ledgerAdded(HostStats before) {
    return ledger < 0 || before.ledger < 0 ? -1 : ledger - before.ledger;
  }
}
