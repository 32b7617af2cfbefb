package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.CompareReport.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareOptionsTest {

  @TempDir Path dir;

  @Test
  void comparesOnlyWhenABaselineIsNamed() {
    assertFalse(CompareOptions.wanted(Flags.parse("--quick", "--no-profile")));
    assertTrue(CompareOptions.wanted(Flags.parse("--baseline-jar=old.jar")));
    assertTrue(CompareOptions.wanted(Flags.parse("--baseline=HEAD~1")));
  }

  @Test
  void runsTheBaselineJarBesideThisBuildInThreeEightSecondRounds() throws IOException {
    Path jar = Files.createFile(dir.resolve("vigil-bench-679cbc1.jar"));

    CompareOptions o =
        CompareOptions.from(
            Flags.parse("--baseline-jar=" + jar, "--baseline-label=679cbc1", "--out=" + dir));

    assertEquals("baseline", o.baseline().role());
    assertEquals("679cbc1", o.baseline().label());
    assertEquals(jar.toAbsolutePath().toString(), o.baseline().classPath());
    assertEquals("current", o.current().role());
    assertEquals("this build", o.current().label());
    assertEquals(System.getProperty("java.class.path"), o.current().classPath());
    assertEquals(CompareOptions.DEFAULT_ROUNDS, o.rounds());
    assertEquals(Duration.ofSeconds(8), o.measure());
    assertEquals(JitWarmUp.Policy.COMPARE, o.warmUp());
    assertEquals(dir, o.out());
    assertFalse(o.quick());
  }

  @Test
  void quickRunsOneRoundOfShortWindowsAndNamesTheBaselineAfterItsJar() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    CompareOptions o =
        CompareOptions.from(
            Flags.parse("--baseline-jar=" + jar, "--quick", "--current-label=f960207+changes"));

    assertTrue(o.quick());
    assertEquals(1, o.rounds());
    assertEquals(Duration.ofSeconds(3), o.measure());
    assertEquals(JitWarmUp.Policy.QUICK, o.warmUp());
    assertEquals("old.jar", o.baseline().label());
    assertEquals("f960207+changes", o.current().label());
  }

  @Test
  void takesTheNumberOfRoundsFromTheCommandLine() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    assertEquals(
        5, CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--rounds=5")).rounds());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--rounds=0")));
    assertEquals("--rounds must be at least 1, got 0", e.getMessage());
  }

  @Test
  void refusesABaselineJarThatIsNotThere() {
    Path missing = dir.resolve("missing.jar");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=" + missing)));

    assertEquals("--baseline-jar: no such file: " + missing, e.getMessage());
  }

  @Test
  void leavesBuildingARevisionToBenchRun() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline=HEAD~1")));

    assertTrue(e.getMessage().contains("--baseline-jar=PATH"), e.getMessage());
  }

  @Test
  void keepsTheWatchdogWellAboveTheExpectedLength() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    assertEquals(
        Duration.ofMinutes(14), CompareOptions.from(Flags.parse("--baseline-jar=" + jar)).limit());
    assertEquals(
        Duration.ofMinutes(6),
        CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--quick")).limit());
  }

  @Test
  void measuresEveryScenarioAtBothConnectionCountsReversingEveryOtherRound() {
    List<Comparison.Cell> odd = Comparison.cells(1);
    List<Comparison.Cell> even = Comparison.cells(2);

    assertEquals(6, odd.size());
    assertEquals(new Comparison.Cell(Scenario.C, 32), odd.get(0));
    assertEquals(new Comparison.Cell(Scenario.E, 32), odd.get(2));
    assertEquals(new Comparison.Cell(Scenario.E, 128), odd.get(5));
    List<Comparison.Cell> back = new ArrayList<>(even);
    Collections.reverse(back);
    assertEquals(odd, back);
  }
}
