package io.vigil.bench;

import java.util.ArrayList;
import java.util.List;

/** The Markdown form of the results: machine, command, targets, every row, the hot path. */
final class MarkdownReport {

  private MarkdownReport() {}

  /**
   * The first line of a report: when and where it ran, what the machine was doing before and after,
   * and the command; memory and operating system where the machine record has them.
   */
  static String runLine(String what, io.vertx.core.json.JsonObject m) {
    StringBuilder line = new StringBuilder();
    line.append(what)
        .append(" of ")
        .append(m.getString("date"))
        .append(" on ")
        .append(m.getString("cpu"))
        .append(", ")
        .append(m.getInteger("cores"))
        .append(" cores, ");
    for (String key : new String[] {"memory", "os"}) {
      if (m.containsKey(key)) {
        line.append(m.getString(key)).append(", ");
      }
    }
    return line.append("Java ")
        .append(m.getString("java"))
        .append("; load average ")
        .append(m.getString("load_before"))
        .append(" before, ")
        .append(m.getString("load_after", "?"))
        .append(" after. Command: `")
        .append(m.getString("command"))
        .append("`.\n\n")
        .toString();
  }

  static String render(Results results) {
    StringBuilder md = new StringBuilder();
    var m = results.machine();
    md.append(runLine("Run", m));
    md.append("| target | goal | measured | holds |\n| --- | --- | --- | --- |\n");
    for (Target t : results.targets()) {
      md.append("| ")
          .append(t.name())
          .append(t.isGuarded() ? " (guarded)" : "")
          .append(" | ")
          .append(t.goal())
          .append(" | ")
          .append(t.measured())
          .append(" | ")
          .append(t.verdict())
          .append(" |\n");
    }
    if (results.targets().stream().anyMatch(Target::isGuarded)) {
      md.append("\n(guarded): issue 19's targets; a miss ends `bench/run` with exit status ")
          .append(TargetGate.EXIT_MISSED)
          .append(" once the results are written (`--no-fail` measures without failing).\n");
    }
    md.append("\n| id | scenario | measured | note |\n| --- | --- | --- | --- |\n");
    for (Row r : results.rows()) {
      md.append("| ")
          .append(r.id())
          .append(" | ")
          .append(r.label())
          .append(" | ")
          .append(summary(r))
          .append(" | ")
          .append(r.note())
          .append(" |\n");
    }
    if (!results.hotPath().isEmpty()) {
      md.append("\nHot path (JFR, gateway JVM, scenario E at its maximum rate):\n\n```\n");
      results.hotPath().forEach(l -> md.append(l).append('\n'));
      md.append("```\n");
    }
    return md.toString();
  }

  /** One row as a console line. */
  static String line(Row r) {
    return r.id()
        + ": "
        + r.label()
        + ": "
        + summary(r)
        + (r.note().isEmpty() ? "" : " (" + r.note() + ")");
  }

  /** The row's numbers in words, known metrics first, in a fixed order. */
  static String summary(Row r) {
    List<String> parts = new ArrayList<>();
    put(parts, r, "rate", v -> Fmt.rate(v));
    put(parts, r, "target_rate", v -> "offered " + Fmt.rate(v));
    put(parts, r, "us_per_call_p50", v -> Fmt.micros(v) + "/call p50");
    put(parts, r, "us_per_call_mean", v -> Fmt.micros(v) + "/call mean");
    put(parts, r, "us_per_row_p50", v -> Fmt.micros(v) + "/row p50");
    put(parts, r, "us_per_row", v -> Fmt.micros(v) + "/row mean");
    put(parts, r, "ratio", v -> "ratio " + Fmt.ratio(v));
    put(parts, r, "p50_us", v -> "p50 " + Fmt.latency(v));
    put(parts, r, "p90_us", v -> "p90 " + Fmt.latency(v));
    put(parts, r, "p95_us", v -> "p95 " + Fmt.latency(v));
    put(parts, r, "p99_us", v -> "p99 " + Fmt.latency(v));
    put(parts, r, "p999_us", v -> "p99.9 " + Fmt.latency(v));
    put(parts, r, "uncorrected_p99_us", v -> "uncorrected p99 " + Fmt.latency(v));
    put(parts, r, "cpu_us_per_request", v -> "gateway CPU " + Fmt.micros(v) + "/req");
    put(parts, r, "generator_cpu_us_per_request", v -> "generator CPU " + Fmt.micros(v) + "/req");
    put(parts, r, "mean_batch", v -> "mean batch " + Fmt.number(v, 1));
    put(parts, r, "commit_mean_us", v -> "ledger commit mean " + Fmt.latency(v));
    put(parts, r, "entries_per_commit", v -> Fmt.number(v, 1) + " entries/commit");
    put(parts, r, "jit_ms", v -> "JIT " + Fmt.number(v, 0) + " ms in the window");
    put(parts, r, "warmup_s", v -> "warmed " + Fmt.number(v, 1) + " s");
    put(parts, r, "windows", v -> Fmt.number(v, 0) + " window(s)");
    put(parts, r, "jit_ms_total", v -> "JIT " + Fmt.number(v / 1e3, 1) + " s in all");
    put(parts, r, "rss_kb", v -> "RSS " + Fmt.megabytes(v));
    put(parts, r, "hwm_kb", v -> "peak RSS " + Fmt.megabytes(v));
    put(parts, r, "errors", v -> v > 0 ? "**" + Fmt.number(v, 0) + " errors**" : null);
    put(parts, r, "samples", v -> Fmt.number(v, 0) + " samples");
    put(parts, r, "startup_median_ms", v -> "median " + Fmt.number(v, 0) + " ms");
    put(parts, r, "startup_max_ms", v -> "max " + Fmt.number(v, 0) + " ms");
    return String.join("; ", parts);
  }

  private static void put(
      List<String> parts, Row r, String key, java.util.function.DoubleFunction<String> format) {
    double v = r.get(key);
    if (!Double.isNaN(v)) {
      String s = format.apply(v);
      if (s != null) {
        parts.add(s);
      }
    }
  }
}
