package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.JitWarmUp.Policy;
import io.vigil.bench.JitWarmUp.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {

  private static final Policy FULL = Policy.FULL;

  @Test
  void settlesOnlyBelow2PercentOfTheWindowAndNotBeforeTheMinimum() {
    // A quiet window before 15 s does not end a gateway's first warm-up.
    assertEquals(Verdict.CONTINUE, FULL.after(1, 3, 0, 5_000));
    assertEquals(Verdict.CONTINUE, FULL.after(2, 3, 10, 5_000));
    // 100 ms in a 5 s window is 2%: not below it.
    assertEquals(Verdict.CONTINUE, FULL.after(3, 3, 100, 5_000));
    assertEquals(Verdict.SETTLED, FULL.after(3, 3, 99, 5_000));
    // The fraction is of the window's measured wall time.
    assertEquals(Verdict.SETTLED, FULL.after(4, 3, 105, 5_400));
  }

  @Test
  void givesUpAtTheCapAndSaysSo() {
    assertEquals(Verdict.CONTINUE, FULL.after(11, 3, 500, 5_000));
    assertEquals(Verdict.CAPPED, FULL.after(12, 3, 500, 5_000));
    assertEquals(Verdict.SETTLED, FULL.after(12, 3, 50, 5_000));
    // A JVM that does not report JIT time never counts as settled.
    assertEquals(Verdict.CONTINUE, FULL.after(3, 3, Double.NaN, 5_000));
    assertEquals(Verdict.CAPPED, FULL.after(12, 3, Double.NaN, 5_000));
  }

  @Test
  void aLaterPathOnAWarmGatewayMayStopAfterOneQuietWindow() {
    assertEquals(Verdict.SETTLED, FULL.after(1, 1, 20, 5_000));
    assertEquals(Verdict.CONTINUE, FULL.after(1, 1, 400, 5_000));
  }

  @Test
  void recordsTheWarmUpTimeAndTheLastWindowsJitInTheResults() {
    Row settled =
        new JitWarmUp.Outcome(
                "demo-as-shipped", "infer", "x", 5, 25.3, 42, 5.02, 9_000, Verdict.SETTLED)
            .row();
    Row capped =
        new JitWarmUp.Outcome(
                "mlp-batch-1", "infer", "x", 12, 60.4, 230, 5.01, 20_000, Verdict.CAPPED)
            .row();

    assertEquals("warm-up/demo-as-shipped/infer", settled.id());
    assertEquals(25.3, settled.get("warmup_s"));
    assertEquals(42, settled.get("last_window_jit_ms"));
    assertEquals(0, settled.get("capped"));
    assertTrue(settled.note().startsWith("settled: JIT 42 ms in the last 5.0 s"), settled.note());
    assertEquals(1, capped.get("capped"));
    assertTrue(capped.note().contains("cap hit"), capped.note());
    assertTrue(MarkdownReport.summary(capped).contains("warmed 60.4 s"));
  }

  @Test
  void theTargetsTableNamesEveryWarmUpThatHitTheCap() {
    Results results = new Results(new io.vertx.core.json.JsonObject());
    results.add(
        new JitWarmUp.Outcome("demo-ledger-off", "infer", "x", 4, 20.4, 80, 5, 1, Verdict.SETTLED)
            .row());
    results.add(
        new JitWarmUp.Outcome("mlp-batch-1", "infer", "x", 12, 60.5, 230, 5, 1, Verdict.CAPPED)
            .row());

    TargetCheck.warmUps(results, FULL);

    Target t = results.targets().get(0);
    assertEquals("**no**", t.verdict());
    assertTrue(t.measured().startsWith("1 of 2 warm-ups settled, 20–61 s each"), t.measured());
    assertTrue(t.measured().contains("cap hit: mlp-batch-1/infer (230 ms"), t.measured());
  }

  @Test
  void refusesAWindowLongerThanTheMinimum() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Policy(
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(60), 0.02));
  }

  @Test
  void theHostReportsItsJvmsJitTime() {
    assertTrue(GatewayHost.jitMillis() >= 0);
  }
}
