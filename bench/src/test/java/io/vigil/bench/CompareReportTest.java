package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.bench.CompareOptions.Build;
import io.vigil.bench.CompareReport.Ratio;
import io.vigil.bench.CompareReport.Sample;
import io.vigil.bench.CompareReport.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareReportTest {

  private static final CompareOptions TWO_ROUNDS =
      new CompareOptions(
          new Build("baseline", "679cbc1", "/tmp/vigil-bench-679cbc1.jar"),
          new Build("current", "f960207", "bench/target/vigil-bench.jar"),
          false,
          2,
          CompareOptions.DEFAULT_MEASURE,
          JitWarmUp.Policy.COMPARE,
          Path.of("out"),
          "bench/run --baseline=679cbc1");

  private static final Ratio D_OVER_C = Ratio.ALL.get(0);
  private static final Ratio E_OVER_D = Ratio.ALL.get(1);

  @Test
  void takesMediansOfRatesAndOfPerRoundRatios() {
    CompareReport report = twoRoundsAt32();

    assertEquals(21_000, report.rate("baseline", Scenario.C, 32), 1e-9);
    assertEquals(23_100, report.rate("current", Scenario.C, 32), 1e-9);
    // Round 1: 22,000 / 20,000 = 1.10; round 2: 24,200 / 22,000 = 1.10.
    assertEquals(1.10, report.change(Scenario.C, 32), 1e-9);
    // Round 1: 10,000 / 20,000 = 0.50; round 2: 12,320 / 22,000 = 0.56.
    assertEquals(0.53, report.ratio("baseline", D_OVER_C, 32), 1e-9);
    assertEquals(0.8, report.ratio("current", E_OVER_D, 32), 1e-9);
    assertEquals(47.5, report.cpuMicros("current", Scenario.C, 32), 1e-9);
  }

  @Test
  void showsEachScenarioAndRatioAsATableRow() {
    String md = twoRoundsAt32().markdown();

    assertTrue(
        md.contains(
            "| C: GET /v2, LEDGER_OFF | 32 | 21,000 | 23,100 | 1.10 (+10%) | 50.0 µs | 47.5 µs |"),
        md);
    assertTrue(md.contains("| D/C | 32 | 0.53 | 0.50 |"), md);
    assertTrue(md.contains("| E/D | 32 | 0.75 | 0.80 |"), md);
    assertTrue(md.contains("Baseline: 679cbc1 (`/tmp/vigil-bench-679cbc1.jar`); current: f960207"));
    assertTrue(
        md.contains(
            "2 round(s) per build, alternating (baseline first in odd rounds, current first in even"));
  }

  @Test
  void saysNotAvailableWhereNothingWasMeasured() {
    CompareReport report = twoRoundsAt32();

    assertTrue(
        report.markdown().contains("| E: infer, demo model, AS_SHIPPED | 128 | n/a | n/a | n/a |"));
    JsonObject json = report.toJson();
    JsonObject e128 = json.getJsonArray("table").getJsonObject(5);
    assertEquals("E", e128.getString("scenario"));
    assertEquals(128, e128.getInteger("connections"));
    assertTrue(e128.containsKey("current_over_baseline"));
    assertEquals(null, e128.getValue("current_over_baseline"));
  }

  @Test
  void writesTheSummaryAndEveryWindowAsJson() {
    JsonObject json = twoRoundsAt32().toJson();

    JsonObject c32 = json.getJsonArray("table").getJsonObject(0);
    assertEquals("C", c32.getString("scenario"));
    assertEquals(1.10, c32.getDouble("current_over_baseline"), 1e-9);
    assertEquals(21_000, c32.getDouble("baseline_rate"), 1e-9);
    JsonObject dOverC = json.getJsonArray("ratios").getJsonObject(0);
    assertEquals("D/C", dOverC.getString("ratio"));
    assertEquals(0.5, dOverC.getDouble("current"), 1e-9);
    assertEquals(12, json.getJsonArray("windows").size());
    assertEquals("679cbc1", json.getJsonObject("baseline").getString("label"));
    assertEquals(2, json.getInteger("rounds"));
  }

  @Test
  void warnsOfAnUnsettledWarmUpAndOfErrors() {
    CompareReport report = twoRoundsAt32();
    report.warmUp(new Row("warm-up/baseline-as-shipped/infer", "w", Map.of("capped", 1.0), ""));
    report.warmUp(new Row("warm-up/current-as-shipped/infer", "w", Map.of("capped", 0.0), ""));
    report.add(
        new Sample(
            "current",
            Scenario.E,
            128,
            1,
            Row.of("current/E/c128/1", "e", Map.of("rate", 1.0, "errors", 3.0))));

    assertEquals(
        List.of(
            "**warm-up/baseline-as-shipped/infer hit its cap: that gateway's JIT had not"
                + " settled.**",
            "**current/E/c128/1: wrk saw 3 errors (non-2xx or socket).**"),
        report.warnings());
    assertTrue(report.markdown().contains("\n- **current/E/c128/1: wrk saw 3 errors"));
  }

  @Test
  void showsTheShadowsRowsAndDropsAndWarnsOfDropsInTheRounds() {
    CompareReport report = twoRoundsAt32();
    report.shadow(
        List.of(
            new ShadowCandidate.Figures("current-ledger-off", "shadow", 1_000, 1_000, 0),
            new ShadowCandidate.Figures("current-as-shipped", "shadow", 500, 495, 0)),
        List.of(
            new ShadowCandidate.Figures("current-ledger-off", "shadow", 91_000, 90_100, 10_000),
            new ShadowCandidate.Figures(
                "current-as-shipped", "awaiting-approval", 40_500, 40_095, 0)));

    String md = report.markdown();

    assertTrue(
        md.contains(
            "| current-ledger-off | shadow | 91,000 | 90,000 | 99.01% | 10,000 | 10,000 | 10.0% |"),
        md);
    assertTrue(
        md.contains(
            "| current-as-shipped | awaiting-approval | 40,500 | 40,000 | 99.00% | 0 | 0 | 0.0% |"),
        md);
    assertEquals(
        List.of(
            "**current-ledger-off: the shadow queue was full for 10,000 requests in the rounds"
                + " (10.0% of those offered): the candidate ran only the rest, so this table holds"
                + " the cost of a shadow that did not keep up, not of one that runs every"
                + " request.**"),
        report.warnings());
    JsonObject shadow = report.toJson().getJsonObject("shadow");
    assertEquals(90_000L, shadow.getJsonArray("in_rounds").getJsonObject(0).getLong("rows"));
    assertEquals(
        10_000L, shadow.getJsonArray("at_end").getJsonObject(0).getLong("dropped_requests"));
  }

  @Test
  void warnsOfACandidateThatLeftItsShadow() {
    CompareReport report = twoRoundsAt32();
    ShadowCandidate.Figures before =
        new ShadowCandidate.Figures("current-as-shipped", "shadow", 9, 9, 0);
    report.shadow(
        List.of(before),
        List.of(new ShadowCandidate.Figures("current-as-shipped", "none", 0, 0, 0)));

    assertTrue(
        report
            .warnings()
            .get(0)
            .startsWith("**current-as-shipped: the candidate is no longer in shadow (stage none)"),
        report.warnings().toString());
  }

  @Test
  void writesAChangeAsRatioAndPercent() {
    assertEquals("1.10 (+10%)", CompareReport.change(1.1));
    assertEquals("0.93 (-7%)", CompareReport.change(0.934));
    assertEquals("1.00 (+0%)", CompareReport.change(1.0));
    assertEquals("24,123", CompareReport.count(24_123.4));
  }

  /** Two rounds at 32 connections: current 10% faster on C, D/C and E/D a little apart. */
  private static CompareReport twoRoundsAt32() {
    CompareReport report = new CompareReport(TWO_ROUNDS, machine());
    add(report, "baseline", 1, 20_000, 10_000, 7_500, 50);
    add(report, "current", 1, 22_000, 11_000, 8_800, 50);
    add(report, "baseline", 2, 22_000, 12_320, 9_240, 50);
    add(report, "current", 2, 24_200, 12_100, 9_680, 45);
    return report;
  }

  private static void add(
      CompareReport report, String role, int round, double c, double d, double e, double cpu) {
    report.add(sample(role, Scenario.C, round, c, cpu));
    report.add(sample(role, Scenario.D, round, d, 4 * cpu));
    report.add(sample(role, Scenario.E, round, e, 5 * cpu));
  }

  private static Sample sample(String role, Scenario s, int round, double rate, double cpu) {
    return new Sample(
        role,
        s,
        32,
        round,
        Row.of(
            role + "/" + s.name() + "/c32/" + round,
            s.label(),
            Map.of("rate", rate, "cpu_us_per_request", cpu, "errors", 0.0)));
  }

  private static JsonObject machine() {
    return new JsonObject()
        .put("date", "2026-12-01T14:00:00Z")
        .put("command", "bench/run --baseline=679cbc1")
        .put("cpu", "AMD EPYC")
        .put("cores", 2)
        .put("java", "17.0.15")
        .put("load_before", "1.00 1.00 1.00");
  }
}
