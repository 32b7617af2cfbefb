package io.vigil.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link GatewayHost} reports: its JVM's CPU time, JIT compilation time ({@code -1} where
 * the JVM does not report it), resident memory and peak, batcher runs and rows, ledger entries
 * ({@code -1} without a ledger), and the ledger's group commits and their total time from the
 * gateway's {@code vigil.ledger.commit.latency} ({@code -1} without a ledger, or from a host built
 * before it reported them).
 */
record HostStats(
    long cpuNanos,
    long jitMillis,
    long rssKb,
    long hwmKb,
    long runs,
    long rows,
    long ledger,
    long commits,
    long commitNanos) {

  /**
   * Parses a {@code stats cpu_ns=.. jit_ms=.. rss_kb=.. hwm_kb=.. runs=.. rows=.. ledger=..
   * commits=.. commit_ns=..} line; {@code jit_ms}, {@code commits} and {@code commit_ns} may be
   * missing.
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
        v.get("ledger"),
        // Hosts built before issue 19's harness (a baseline's bench jar) do not report commits.
        v.getOrDefault("commits", -1L),
        v.getOrDefault("commit_ns", -1L));
  }

  /**
   * The mean time of the ledger's group commits between {@code before} and this, µs; NaN without a
   * ledger, without its meter or without a commit.
   */
  double commitMeanMicros(HostStats before) {
    long n = commits - before.commits;
    return commits < 0 || before.commits < 0 || n <= 0
        ? Double.NaN
        : (commitNanos - before.commitNanos) / 1e3 / n;
  }

  /** Ledger entries per group commit between {@code before} and this; NaN as above. */
  double entriesPerCommit(HostStats before) {
    long n = commits - before.commits;
    return commits < 0 || before.commits < 0 || n <= 0 || ledger < 0
        ? Double.NaN
        : (double) (ledger - before.ledger) / n;
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
