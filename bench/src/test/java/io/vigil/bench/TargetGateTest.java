package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetGateTest {

  private static Target dOverC(double value) {
    return Target.bound("D/C", ">= 0.75", value, "ratio " + value, false, 0.75)
        .guarded(RequestPathTargets.D_OVER_C);
  }

  private static final Target STARTUP_MISSED =
      Target.bound("start to ready", "<= 3 s", 3500, "3500 ms", true, 3000);

  @Test
  void failsWithExitStatus3WhenAGuardedTargetIsMissed() {
    List<Target> targets = List.of(dOverC(0.41), STARTUP_MISSED);

    assertEquals(3, TargetGate.EXIT_MISSED);
    assertEquals(TargetGate.EXIT_MISSED, TargetGate.exitStatus(targets, false));
    assertEquals(List.of(targets.get(0)), TargetGate.missed(targets));
  }

  @Test
  void namesEachMissedTargetWithItsGoalAndMeasuredValue() {
    Target cpu =
        Target.bound("CPU beyond the model", "<= 30 µs", 55.2, "55.2 µs (56.8 minus 1.6)", true, 30)
            .guarded(RequestPathTargets.CPU_BEYOND_MODEL);

    String banner = TargetGate.banner(List.of(dOverC(0.41), cpu, STARTUP_MISSED), false);

    assertTrue(banner.contains("MISSED 2 of the request path's guarded targets"), banner);
    assertTrue(banner.contains("  - D/C: goal >= 0.75, measured ratio 0.41\n"), banner);
    assertTrue(
        banner.contains("  - CPU beyond the model: goal <= 30 µs, measured 55.2 µs (56.8 minus"),
        banner);
    assertTrue(banner.contains("exit status 3"), banner);
    // An unguarded target's miss is in the table, not in the banner.
    assertFalse(banner.contains("start to ready"), banner);
  }

  @Test
  void aMissOfAnUnguardedTargetFailsNothing() {
    assertEquals(0, TargetGate.exitStatus(List.of(dOverC(0.8), STARTUP_MISSED), false));
    assertEquals("", TargetGate.banner(List.of(dOverC(0.8), STARTUP_MISSED), false));
  }

  @Test
  void aGuardedTargetNotMeasuredFailsNothingButTheBannerNamesIt() {
    Target wait =
        Target.notMeasured("ledger wait", "<= 1.5 fsync periods", "no fsync probe in this run")
            .guarded(RequestPathTargets.LEDGER_WAIT);

    List<Target> targets = List.of(dOverC(0.8), wait);

    assertEquals(0, TargetGate.exitStatus(targets, false));
    assertEquals(List.of(wait), TargetGate.unmeasured(targets));
    String banner = TargetGate.banner(targets, false);
    assertTrue(banner.contains("every guarded target that was measured held"), banner);
    assertTrue(banner.contains("(not measured: ledger wait: no fsync probe in this run)"), banner);
  }

  @Test
  void noFailMeasuresWithoutFailingAndStillSaysWhatWasMissed() {
    List<Target> targets = List.of(dOverC(0.41));

    assertEquals(0, TargetGate.exitStatus(targets, true));
    String banner = TargetGate.banner(targets, true);
    assertTrue(banner.contains("  - D/C: goal >= 0.75"), banner);
    assertTrue(banner.contains("--no-fail given: exit status 0"), banner);
  }

  @Test
  void aTargetOnItsBoundHolds() {
    assertEquals(0, TargetGate.exitStatus(List.of(dOverC(0.75)), false));
  }

  @Test
  void keepsTheValueAndKeyOfAGuardedTarget() {
    Target t = dOverC(0.41);

    assertTrue(t.isGuarded());
    assertTrue(t.missed());
    assertEquals(0.41, t.value());
    assertEquals("d_over_c", t.key());
    assertFalse(STARTUP_MISSED.isGuarded());
    assertThrows(IllegalArgumentException.class, () -> STARTUP_MISSED.guarded(" "));
  }
}
