package io.vigil.gateway.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The simulator's lines: a header, one line per report period, and the summary. */
final class Report {

  private static final String ROW = "%7s %6s %6s %5s %5s %5s %5s %6s %8s %8s %8s  %s";

  private Report() {}

  static List<String> header(Simulation s, ModelInfo model, String base) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "vigil simulate: %s %s (bundle %s) at %sv2",
            model.name(),
            model.version(),
            abbreviate(model.bundleSha256()),
            base));
    lines.add(
        String.format(
            Locale.ROOT,
            "  %s for %s; seed %d, noise %s, device %s; positive: %s",
            s.openLoop()
                ? "open loop, " + Shift.fmt(s.ratePerSecond()) + " requests/s"
                : "closed loop, " + s.concurrency() + " in flight",
            seconds(s.duration().toNanos() / 1e9),
            s.seed(),
            Shift.fmt(s.noise()),
            s.deviceId(),
            model.hasThreshold()
                ? model.decisionOutput() + " >= " + threshold(model.threshold())
                : "- (the gateway names no decision_threshold)"));
    if (!s.shifts().isEmpty()) {
      lines.add(
          "  shifts: " + String.join(", ", s.shifts().stream().map(Shift::toString).toList()));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            ROW,
            "time",
            "sent",
            "200",
            "4xx",
            "429",
            "503",
            "other",
            "failed",
            "p50 ms",
            "p99 ms",
            "positive",
            "safety"));
    return lines;
  }

  /** One period: its end, its counts, and the safety state then (with the changes in it). */
  static String line(double elapsedSeconds, Tally t, String safety) {
    String state = safety;
    if (!t.safetyChanges.isEmpty()) {
      state += "  [safety " + String.join(", ", t.safetyChanges) + "]";
    }
    return String.format(
        Locale.ROOT,
        ROW,
        seconds(elapsedSeconds),
        t.sent,
        t.ok,
        t.clientErrors,
        t.tooMany,
        t.unavailable,
        t.otherStatus,
        t.failed,
        millis(t.latencies.percentileNanos(0.50)),
        millis(t.latencies.percentileNanos(0.99)),
        rate(t.positiveRate()),
        state);
  }

  static List<String> summary(
      double elapsedSeconds, Tally t, ModelInfo model, String safety, int maxInFlight) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "summary   %s: sent %d, answered %d (200: %d, 4xx: %d, 429: %d, 503: %d, other: %d),"
                + " no answer %d%s",
            seconds(elapsedSeconds),
            t.sent,
            t.answers(),
            t.ok,
            t.clientErrors,
            t.tooMany,
            t.unavailable,
            t.otherStatus,
            t.failed,
            t.skipped == 0
                ? ""
                : ", not sent " + t.skipped + " (" + maxInFlight + " requests were in flight)"));
    lines.add(
        t.latencies.count() == 0
            ? "latency   - (no answer)"
            : String.format(
                Locale.ROOT,
                "latency   p50 %s ms, p90 %s ms, p99 %s ms, max %s ms over %d answers,"
                    + " from each request's intended send time",
                millis(t.latencies.percentileNanos(0.50)),
                millis(t.latencies.percentileNanos(0.90)),
                millis(t.latencies.percentileNanos(0.99)),
                millis(t.latencies.maxNanos()),
                t.latencies.count()));
    lines.add(
        t.decided == 0
            ? "positive  -"
                + (model.hasThreshold() ? " (no answer with a probability)" : " (no threshold)")
            : String.format(
                Locale.ROOT,
                "positive  %s (%d of %d answers with %s >= %s)",
                rate(t.positiveRate()),
                t.positive,
                t.decided,
                model.decisionOutput(),
                threshold(model.threshold())));
    lines.add(
        "safety    "
            + (safety.equals("-") ? "- (the answers carry no parameters.safety)" : safety)
            + (t.safetyChanges.isEmpty()
                ? ""
                : "; changes: " + String.join(", ", t.safetyChanges)));
    for (Map.Entry<String, Long> e : t.errors.entrySet()) {
      lines.add(String.format(Locale.ROOT, "answer    %d x %s", e.getValue(), e.getKey()));
    }
    return lines;
  }

  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1fs", s);
  }

  /** The threshold to four decimals: enough to read, the decision uses the exact value. */
  private static String threshold(double t) {
    return String.format(Locale.ROOT, "%.4f", t);
  }

  private static String millis(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }

  private static String rate(double r) {
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.3f", r);
  }

  private static String abbreviate(String sha256) {
    return sha256.length() > 12 ? sha256.substring(0, 12) + "..." : sha256;
  }
}
