package io.vigil.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * What a before/after comparison measured, round by round, and its summary: the medians of each
 * build, the ratio current/baseline and each build's D/C and E/D, as compare.md and compare.json.
 */
final class CompareReport {

  /** The scenarios of BENCHMARKS.md that a comparison measures. */
  enum Scenario {
    C("GET /v2, LEDGER_OFF"),
    D("infer, demo model, LEDGER_OFF"),
    E("infer, demo model, AS_SHIPPED");

    private final String label;

    Scenario(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** The rate of one scenario over another's within one build: D/C and E/D. */
  record Ratio(Scenario top, Scenario bottom) {

    static final List<Ratio> ALL =
        List.of(new Ratio(Scenario.D, Scenario.C), new Ratio(Scenario.E, Scenario.D));

    String name() {
      return top.name() + "/" + bottom.name();
    }
  }

  /** One measured window: which build, scenario, connections and round, and its numbers. */
  record Sample(String role, Scenario scenario, int connections, int round, Row row) {}

  static final String BASELINE = "baseline";
  static final String CURRENT = "current";

  private final CompareOptions options;
  private final JsonObject machine;
  private JsonObject brokerReceived;
  private List<ShadowCandidate.Figures> shadowAtEnd = List.of();
  private List<ShadowCandidate.Figures> shadowInRounds = List.of();
  private final List<Sample> samples = new ArrayList<>();
  private final List<Row> warmUps = new ArrayList<>();

  CompareReport(CompareOptions options, JsonObject machine) {
    this.options = options;
    this.machine = machine;
  }

  void add(Sample sample) {
    samples.add(sample);
  }

  void warmUp(Row row) {
    warmUps.add(row);
  }

  /**
   * What the run's MQTT broker received from the gateways with the link on: every message by topic,
   * and the summaries that arrived during the measured rounds.
   */
  void broker(Map<String, Long> byTopic, long summariesInRounds) {
    JsonObject topics = new JsonObject();
    byTopic.forEach(topics::put);
    brokerReceived =
        new JsonObject().put("by_topic", topics).put("summaries_in_rounds", summariesInRounds);
  }

  /**
   * What the candidate in shadow had done on each gateway that ran it: read after the warm-ups and
   * at the end of the run, in the same order of gateways.
   */
  void shadow(List<ShadowCandidate.Figures> afterWarmUp, List<ShadowCandidate.Figures> atEnd) {
    if (afterWarmUp.size() != atEnd.size()) {
      throw new IllegalArgumentException("two readings of different gateways");
    }
    List<ShadowCandidate.Figures> inRounds = new ArrayList<>();
    for (int i = 0; i < atEnd.size(); i++) {
      inRounds.add(atEnd.get(i).since(afterWarmUp.get(i)));
    }
    shadowAtEnd = List.copyOf(atEnd);
    shadowInRounds = List.copyOf(inRounds);
  }

  JsonObject machine() {
    return machine;
  }

  /** The median rate of {@code role} ("baseline" or "current") over the rounds. */
  double rate(String role, Scenario s, int connections) {
    return median(role, s, connections, r -> r.get("rate"));
  }

  /** The median CPU microseconds per request of the gateway JVM over the rounds. */
  double cpuMicros(String role, Scenario s, int connections) {
    return median(role, s, connections, r -> r.get("cpu_us_per_request"));
  }

  /**
   * The median over the rounds of a latency percentile of wrk's ({@code p50_us}, {@code p99_us}).
   */
  double latencyMicros(String role, Scenario s, int connections, String percentile) {
    return median(role, s, connections, r -> r.get(percentile));
  }

  /** The median over the rounds of current's rate over baseline's in the same round. */
  double change(Scenario s, int connections) {
    return Stats.median(changes(s, connections));
  }

  /** Current's rate over baseline's in each round, in the order of the rounds. */
  List<Double> changes(Scenario s, int connections) {
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      ratios.add(rateIn(CURRENT, s, connections, round) / rateIn(BASELINE, s, connections, round));
    }
    return ratios;
  }

  /** The median over the rounds of the ratio {@code q} within one build's round. */
  double ratio(String role, Ratio q, int connections) {
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      ratios.add(
          rateIn(role, q.top(), connections, round) / rateIn(role, q.bottom(), connections, round));
    }
    return Stats.median(ratios);
  }

  /** compare.md: what ran, the table by scenario, the ratios within each build, and warnings. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(MarkdownReport.runLine("Before/after run", machine));
    md.append("Baseline: ")
        .append(options.baseline().label())
        .append(" (`")
        .append(options.baseline().classPath())
        .append("`); current: ")
        .append(options.current().label())
        .append(". Each build runs a LEDGER_OFF and an AS_SHIPPED gateway JVM (")
        .append(HostedGateway.HEAP)
        .append(", demo model), each warmed until its JIT settled; then ")
        .append(options.rounds())
        .append(
            " round(s) per build, alternating (baseline first in odd rounds, current first in even ones), one ")
        .append(options.measure().toSeconds())
        .append(" s wrk window per scenario and connection count in each.")
        .append(options.quick() ? " **Quick run: a smoke test, not a result.**" : "")
        .append("\n\n");
    md.append(
        "| scenario | connections | req/s baseline | req/s current | current/baseline"
            + " | CPU/req baseline | CPU/req current |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Scenario s : Scenario.values()) {
      for (int c : CompareOptions.CONNECTIONS) {
        md.append("| ")
            .append(s.name())
            .append(": ")
            .append(s.label())
            .append(" | ")
            .append(c)
            .append(" | ")
            .append(cell(rate(BASELINE, s, c), CompareReport::count))
            .append(" | ")
            .append(cell(rate(CURRENT, s, c), CompareReport::count))
            .append(" | ")
            .append(cell(change(s, c), CompareReport::change))
            .append(" | ")
            .append(cell(cpuMicros(BASELINE, s, c), Fmt::micros))
            .append(" | ")
            .append(cell(cpuMicros(CURRENT, s, c), Fmt::micros))
            .append(" |\n");
      }
    }
    md.append("\n| ratio | connections | baseline | current |\n| --- | ---: | ---: | ---: |\n");
    for (Ratio q : Ratio.ALL) {
      for (int c : CompareOptions.CONNECTIONS) {
        md.append("| ")
            .append(q.name())
            .append(" | ")
            .append(c)
            .append(" | ")
            .append(cell(ratio(BASELINE, q, c), Fmt::ratio))
            .append(" | ")
            .append(cell(ratio(CURRENT, q, c), Fmt::ratio))
            .append(" |\n");
      }
    }
    md.append(
        "\nLatency (wrk's, from each request's actual send: closed loop, not corrected), medians"
            + " over the rounds, and current/baseline round by round:\n\n"
            + "| scenario | connections | p50 baseline | p50 current | p99 baseline | p99 current"
            + " | current/baseline by round |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Scenario s : Scenario.values()) {
      for (int c : CompareOptions.CONNECTIONS) {
        md.append("| ")
            .append(s.name())
            .append(" | ")
            .append(c)
            .append(" | ")
            .append(cell(latencyMicros(BASELINE, s, c, "p50_us"), Fmt::latency))
            .append(" | ")
            .append(cell(latencyMicros(CURRENT, s, c, "p50_us"), Fmt::latency))
            .append(" | ")
            .append(cell(latencyMicros(BASELINE, s, c, "p99_us"), Fmt::latency))
            .append(" | ")
            .append(cell(latencyMicros(CURRENT, s, c, "p99_us"), Fmt::latency))
            .append(" | ");
        StringJoiner rounds = new StringJoiner(" ");
        for (double r : changes(s, c)) {
          rounds.add(cell(r, Fmt::ratio));
        }
        md.append(rounds).append(" |\n");
      }
    }
    md.append(
        "\nreq/s and CPU per request (the gateway JVM's CPU time in the window over the requests"
            + " answered) are medians over the rounds; each ratio is the median of the per-round"
            + " ratios, so it need not equal the ratio of two medians.\n");
    if (brokerReceived != null) {
      md.append("\nThe MQTT broker received ")
          .append(brokerReceived.getLong("summaries_in_rounds"))
          .append(" summaries during the measured rounds; all it received by topic: ");
      StringJoiner topics = new StringJoiner(", ");
      brokerReceived
          .getJsonObject("by_topic")
          .forEach(e -> topics.add("`" + e.getKey() + "` " + e.getValue()));
      md.append(topics).append(".\n");
    }
    if (!shadowAtEnd.isEmpty()) {
      md.append("\nThe candidate ")
          .append(ShadowCandidate.MODEL)
          .append(' ')
          .append(ShadowCandidate.VERSION)
          .append(
              " ran in shadow on these gateways, as `GET /admin/v1/updates` read it at the end of"
                  + " the run; a request dropped is one the update gate's shadow queue had no"
                  + " room for, which the candidate never ran (the share counts one row a"
                  + " request):\n\n"
                  + "| gateway | stage | shadow rows | in the rounds | agreement"
                  + " | requests dropped | in the rounds | share dropped in the rounds |\n"
                  + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (int i = 0; i < shadowAtEnd.size(); i++) {
        ShadowCandidate.Figures end = shadowAtEnd.get(i);
        ShadowCandidate.Figures rounds = shadowInRounds.get(i);
        md.append("| ")
            .append(end.gateway())
            .append(" | ")
            .append(end.stage())
            .append(" | ")
            .append(count(end.rows()))
            .append(" | ")
            .append(count(rounds.rows()))
            .append(" | ")
            .append(
                cell(
                    end.rows() == 0 ? Double.NaN : (double) end.agreeingRows() / end.rows(),
                    x -> String.format(Locale.ROOT, "%.2f%%", x * 100)))
            .append(" | ")
            .append(count(end.droppedRequests()))
            .append(" | ")
            .append(count(rounds.droppedRequests()))
            .append(" | ")
            .append(cell(rounds.droppedShare(), x -> String.format(Locale.ROOT, "%.1f%%", x * 100)))
            .append(" |\n");
      }
    }
    List<String> warnings = warnings();
    if (!warnings.isEmpty()) {
      md.append('\n');
      warnings.forEach(w -> md.append("- ").append(w).append('\n'));
    }
    return md.toString();
  }

  /** compare.json: the summary rows, the ratios, the warm-ups and every window. */
  JsonObject toJson() {
    JsonArray table = new JsonArray();
    for (Scenario s : Scenario.values()) {
      for (int c : CompareOptions.CONNECTIONS) {
        table.add(
            new JsonObject()
                .put("scenario", s.name())
                .put("label", s.label())
                .put("connections", c)
                .put("baseline_rate", finite(rate(BASELINE, s, c)))
                .put("current_rate", finite(rate(CURRENT, s, c)))
                .put("current_over_baseline", finite(change(s, c)))
                .put("baseline_cpu_us_per_request", finite(cpuMicros(BASELINE, s, c)))
                .put("current_cpu_us_per_request", finite(cpuMicros(CURRENT, s, c)))
                .put("baseline_p50_us", finite(latencyMicros(BASELINE, s, c, "p50_us")))
                .put("current_p50_us", finite(latencyMicros(CURRENT, s, c, "p50_us")))
                .put("baseline_p99_us", finite(latencyMicros(BASELINE, s, c, "p99_us")))
                .put("current_p99_us", finite(latencyMicros(CURRENT, s, c, "p99_us")))
                .put(
                    "current_over_baseline_by_round",
                    new JsonArray(
                        new ArrayList<>(
                            changes(s, c).stream().map(CompareReport::finite).toList()))));
      }
    }
    JsonArray ratios = new JsonArray();
    for (Ratio q : Ratio.ALL) {
      for (int c : CompareOptions.CONNECTIONS) {
        ratios.add(
            new JsonObject()
                .put("ratio", q.name())
                .put("connections", c)
                .put("baseline", finite(ratio(BASELINE, q, c)))
                .put("current", finite(ratio(CURRENT, q, c))));
      }
    }
    JsonArray windows = new JsonArray();
    for (Sample s : samples) {
      windows.add(
          new JsonObject()
              .put("build", s.role())
              .put("scenario", s.scenario().name())
              .put("connections", s.connections())
              .put("round", s.round())
              .put("metrics", metrics(s.row())));
    }
    JsonArray warm = new JsonArray();
    for (Row r : warmUps) {
      warm.add(new JsonObject().put("id", r.id()).put("metrics", metrics(r)).put("note", r.note()));
    }
    return new JsonObject()
        .put("machine", machine)
        .put("baseline", build(options.baseline()))
        .put("current", build(options.current()))
        .put("rounds", options.rounds())
        .put("window_s", options.measure().toSeconds())
        .put("quick", options.quick())
        .put("table", table)
        .put("ratios", ratios)
        .put("warm_ups", warm)
        .put("windows", windows)
        .put("broker", brokerReceived)
        .put("shadow", shadowJson());
  }

  private JsonObject shadowJson() {
    if (shadowAtEnd.isEmpty()) {
      return null;
    }
    JsonArray end = new JsonArray();
    shadowAtEnd.forEach(f -> end.add(f.toJson()));
    JsonArray rounds = new JsonArray();
    shadowInRounds.forEach(f -> rounds.add(f.toJson()));
    return new JsonObject()
        .put("model_id", ShadowCandidate.MODEL)
        .put("version", ShadowCandidate.VERSION)
        .put("at_end", end)
        .put("in_rounds", rounds);
  }

  /** "1.05 (+5%)": the ratio and the change it stands for. */
  static String change(double ratio) {
    return Fmt.ratio(ratio) + String.format(Locale.ROOT, " (%+.0f%%)", (ratio - 1) * 100);
  }

  /** A count with thousands separators: "24,100". */
  static String count(double x) {
    return String.format(Locale.ROOT, "%,.0f", x);
  }

  /**
   * What a reader must not miss: warm-ups that hit their cap, windows where wrk saw errors, a
   * candidate that left its shadow or a shadow that dropped requests in the measured rounds.
   */
  List<String> warnings() {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < shadowAtEnd.size(); i++) {
      ShadowCandidate.Figures end = shadowAtEnd.get(i);
      ShadowCandidate.Figures rounds = shadowInRounds.get(i);
      if (!end.stage().equals("shadow") && !end.stage().equals("awaiting-approval")) {
        w.add(
            "**"
                + end.gateway()
                + ": the candidate is no longer in shadow (stage "
                + end.stage()
                + "): the rounds after it left did not pay for a shadow.**");
      }
      if (rounds.droppedRequests() > 0) {
        w.add(
            "**"
                + end.gateway()
                + ": the shadow queue was full for "
                + count(rounds.droppedRequests())
                + " requests in the rounds ("
                + String.format(Locale.ROOT, "%.1f%%", rounds.droppedShare() * 100)
                + " of those offered): the candidate ran only the rest, so this table holds the"
                + " cost of a shadow that did not keep up, not of one that runs every request.**");
      }
    }
    for (Row r : warmUps) {
      if (r.get("capped") > 0) {
        w.add("**" + r.id() + " hit its cap: that gateway's JIT had not settled.**");
      }
    }
    for (Sample s : samples) {
      if (s.row().get("errors") > 0) {
        w.add(
            "**"
                + s.row().id()
                + ": wrk saw "
                + Fmt.number(s.row().get("errors"), 0)
                + " errors (non-2xx or socket).**");
      }
    }
    return w;
  }

  private double rateIn(String role, Scenario s, int connections, int round) {
    return sample(role, s, connections, round).map(x -> x.row().get("rate")).orElse(Double.NaN);
  }

  private Optional<Sample> sample(String role, Scenario s, int connections, int round) {
    return samples.stream()
        .filter(
            x ->
                x.role().equals(role)
                    && x.scenario() == s
                    && x.connections() == connections
                    && x.round() == round)
        .findFirst();
  }

  private double median(String role, Scenario s, int connections, ToDoubleFunction<Row> metric) {
    List<Double> values = new ArrayList<>();
    for (Sample x : samples) {
      if (x.role().equals(role) && x.scenario() == s && x.connections() == connections) {
        values.add(metric.applyAsDouble(x.row()));
      }
    }
    return Stats.median(values);
  }

  private static String cell(double x, DoubleFunction<String> format) {
    return Double.isFinite(x) ? format.apply(x) : "n/a";
  }

  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }

  private static JsonObject metrics(Row r) {
    JsonObject m = new JsonObject();
    r.metrics().forEach((k, v) -> m.put(k, finite(v)));
    return m;
  }

  private static JsonObject build(CompareOptions.Build b) {
    return new JsonObject()
        .put("label", b.label())
        .put("class_path", b.classPath())
        .put("sync", b.sync())
        .put("shadow", b.shadow())
        .put("tls", b.tls());
  }
}
