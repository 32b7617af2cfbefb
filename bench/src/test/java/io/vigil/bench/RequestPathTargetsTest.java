package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestPathTargetsTest {

  /** The medians of a run like 2026-11-30's, E's p50 613 µs above D's, E/C at 128 of 0.42. */
  private static ClosedLoopRounds.Outcome http() {
    return new ClosedLoopRounds.Outcome(
        67_495, 32_470, 17_846, 0.41, 0.55, 56.8, 1.0, 0, 0, 613, 887, 1_500, 60_000, 25_200, 0.42,
        560, 10.5);
  }

  private static Optional<Row> fsync(double p50Us) {
    return Optional.of(
        Row.of(
            "fsync",
            "fsync",
            Map.of("p50_us", p50Us, "p90_us", 800.0, "p99_us", 1_200.0, "samples", 5_000.0)));
  }

  @Test
  void countsTheLedgersWaitInFsyncPeriodsOfThisRun() {
    Target tooLong = RequestPathTargets.ledgerWait(http(), fsync(400));
    Target within = RequestPathTargets.ledgerWait(http(), fsync(500));

    assertEquals(RequestPathTargets.LEDGER_WAIT, tooLong.key());
    assertEquals(613.0 / 400, tooLong.value(), 1e-9);
    assertEquals(Optional.of(false), tooLong.holds());
    assertEquals(Optional.of(true), within.holds());
    assertTrue(
        tooLong.measured().startsWith("1.53 periods (E p50 1.50 ms minus D p50 887 µs = 613 µs"),
        tooLong.measured());
    assertTrue(tooLong.measured().contains("fsync p50 400 µs, p90 800 µs, p99 1.20 ms over 5000"));
    assertTrue(
        tooLong.measured().endsWith("took 560 µs on average, 10.5 entries each)"),
        tooLong.measured());
  }

  @Test
  void aFilesystemThatDoesNotSyncLeavesTheWaitUnmeasured() {
    Target tmpfs = RequestPathTargets.ledgerWait(http(), fsync(0.2));
    Target none = RequestPathTargets.ledgerWait(http(), Optional.empty());

    assertTrue(tmpfs.holds().isEmpty());
    assertTrue(tmpfs.isGuarded());
    assertTrue(tmpfs.measured().contains("does not reach a disk"), tmpfs.measured());
    assertTrue(none.holds().isEmpty());
    assertEquals("no fsync probe in this run", none.measured());
  }

  @Test
  void readsTheP99AtHalfOfEAgainstTheGeneratorsOwnFloor() {
    Row f = f50(4_200, 8_923, 900, 6e3);
    Row floor = generatorFloor(1_100);
    Row ledger =
        new Row(
            "L/50%/pinned",
            "L",
            Map.of("p99_us", 3_900.0, "p999_us", 9_500.0, "entries_per_commit", 1.4),
            "12 of 6000 commits took over 3 ms");

    Target t =
        RequestPathTargets.halfE(
            new RequestPathTargets.HalfE(
                Optional.of(f), Optional.of(floor), Optional.of(ledger), "on CPUs 0 and 1"));

    assertEquals(Optional.of(true), t.holds());
    assertEquals(4.2, t.value(), 1e-9);
    assertEquals(RequestPathTargets.P99_HALF_E, t.key());
    assertTrue(t.measured().startsWith("4.20 ms at 8,923 req/s"), t.measured());
    assertTrue(t.measured().contains("F/50%/pinned"), t.measured());
    assertTrue(t.measured().contains("GET /v2 (its floor): 1.10 ms; the ledger"), t.measured());
    assertTrue(
        t.measured()
            .contains(
                "the ledger alone at that rate on the gateway's CPU (its floor): p99 3.90 ms,"
                    + " p99.9 9.50 ms (1.4 entries a commit; 12 of 6000 commits took over 3 ms);"
                    + " on CPUs 0 and 1"),
        t.measured());
  }

  @Test
  void saysWhenTheLedgersFloorWasNotMeasured() {
    Row f = f50(9_970, 5_990, 1_660, 16e3);
    Row floor = generatorFloor(2_460);

    Target t =
        RequestPathTargets.halfE(
            new RequestPathTargets.HalfE(
                Optional.of(f), Optional.of(floor), Optional.empty(), "on CPUs 0 and 1"));

    assertEquals(Optional.of(false), t.holds());
    assertTrue(
        t.measured().contains("(its floor): 2.46 ms; the ledger's floor not measured; on CPUs"),
        t.measured());
  }

  @Test
  void guardsIssue19sFiveTargetsInTheirOrder() {
    Results results = new Results(new JsonObject());
    results.add(
        Row.of(
            OrtFloor.id(BenchModel.DEMO, OrtFloor.Api.ONNX_MODEL, 1, 1),
            "A",
            Map.of("us_per_row_p50", 1.6)));

    RequestPathTargets.evaluate(
        results,
        http(),
        fsync(500),
        new RequestPathTargets.HalfE(
            Optional.empty(), Optional.empty(), Optional.empty(), "could not pin: x"));

    List<Target> targets = results.targets();
    assertEquals(RequestPathTargets.KEYS, targets.stream().map(Target::key).toList());
    assertEquals(Optional.of(false), targets.get(0).holds());
    assertEquals(0.42, targets.get(1).value(), 1e-9);
    assertFalse(targets.get(1).holds().orElseThrow(), "E/C at 128 of 0.42 is under 0.5");
    assertTrue(targets.get(1).measured().startsWith("0.42 (25,200 req/s / 60,000 req/s"));
    assertEquals(55.2, targets.get(2).value(), 1e-9);
    assertTrue(targets.get(4).holds().isEmpty());
    assertEquals("not run; could not pin: x", targets.get(4).measured());
  }

  private static Row f50(double p99Us, double rate, double p50Us, double p999Us) {
    return new Row(
        "F/50%/pinned",
        "F", Map.of("p99_us", p99Us, "target_rate", rate, "p50_us", p50Us, "p999_us", p999Us), "");
  }

  private static Row generatorFloor(double p99Us) {
    return Row.of("G/50%/pinned", "G", Map.of("p99_us", p99Us));
  }
}
