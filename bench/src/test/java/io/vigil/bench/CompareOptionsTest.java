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
  void linksOnlyTheCurrentBuildToTheBrokerWhenTheBaselineHasSyncOff() {
    CompareOptions o =
        CompareOptions.from(
            Flags.parse("--baseline-jar=self", "--baseline-sync=off", "--current-label=58be968"));

    assertFalse(o.baseline().sync());
    assertTrue(o.current().sync());
    assertTrue(o.sync());
    assertEquals("this build, sync off", o.baseline().label());
    assertEquals("58be968, sync on", o.current().label());
    assertEquals(o.baseline().classPath(), o.current().classPath());
  }

  @Test
  void linksTheBaselineInsteadWhenItHasSyncOn() {
    CompareOptions o =
        CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-sync=on"));

    assertTrue(o.baseline().sync());
    assertFalse(o.current().sync());
  }

  @Test
  void startsNoBrokerWithoutTheSyncFlag() {
    CompareOptions o =
        CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-monitoring=off"));

    assertFalse(o.sync());
    assertEquals("this build", o.current().label());
  }

  @Test
  void refusesASyncSettingOtherThanOnOrOffAndAnyBuildButThisOne() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    IllegalArgumentException word =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-sync=yes")));
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--baseline-sync=off")));

    assertEquals("--baseline-sync: on or off, not yes", word.getMessage());
    assertTrue(other.getMessage().contains("--baseline-jar=self"), other.getMessage());
  }

  @Test
  void servesOnlyTheCurrentBuildOverTlsWhenTheBaselineHasTlsOff() {
    CompareOptions o =
        CompareOptions.from(
            Flags.parse("--baseline-jar=self", "--baseline-tls=off", "--current-label=8234a3a"));

    assertFalse(o.baseline().tls());
    assertTrue(o.current().tls());
    assertTrue(o.tls());
    assertFalse(o.sync());
    assertFalse(o.shadow());
    assertEquals("this build, TLS off", o.baseline().label());
    assertEquals("8234a3a, TLS on", o.current().label());
  }

  @Test
  void refusesTlsOnABuildOtherThanThisOne() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--baseline-tls=off")));

    assertTrue(other.getMessage().contains("--baseline-jar=self"), other.getMessage());
    assertFalse(CompareOptions.from(Flags.parse("--baseline-jar=" + jar)).tls());
  }

  @Test
  void shadowsOnlyTheCurrentBuildWhenTheBaselineHasShadowOff() {
    CompareOptions o =
        CompareOptions.from(
            Flags.parse("--baseline-jar=self", "--baseline-shadow=off", "--current-label=18ae0ab"));

    assertFalse(o.baseline().shadow());
    assertTrue(o.current().shadow());
    assertTrue(o.shadow());
    assertFalse(o.sync());
    assertEquals("this build, shadow off", o.baseline().label());
    assertEquals("18ae0ab, shadow on", o.current().label());
    assertEquals(o.baseline().classPath(), o.current().classPath());
    assertEquals(o.baseline().jvmOptions(), o.current().jvmOptions());
  }

  @Test
  void shadowsTheBaselineInsteadWhenItHasShadowOn() {
    CompareOptions o =
        CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-shadow=on"));

    assertTrue(o.baseline().shadow());
    assertFalse(o.current().shadow());
  }

  @Test
  void installsNoCandidateWithoutTheShadowFlag() {
    CompareOptions o =
        CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-sync=off"));

    assertFalse(o.shadow());
    assertEquals("this build, sync on", o.current().label());
  }

  @Test
  void refusesAShadowSettingOtherThanOnOrOffAndAnyBuildButThisOne() throws IOException {
    Path jar = Files.createFile(dir.resolve("old.jar"));

    IllegalArgumentException word =
        assertThrows(
            IllegalArgumentException.class,
            () -> CompareOptions.from(Flags.parse("--baseline-jar=self", "--baseline-shadow=no")));
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CompareOptions.from(Flags.parse("--baseline-jar=" + jar, "--baseline-shadow=off")));

    assertEquals("--baseline-shadow: on or off, not no", word.getMessage());
    assertTrue(other.getMessage().contains("--baseline-jar=self"), other.getMessage());
  }

  @Test
  void linksAGatewayToThePlainTcpBrokerAsOneTopicLevelWithTheShortestSummaryInterval()
      throws IOException {
    String broker = "tcp://127.0.0.1:1883";
    System.setProperty(GatewayHost.SYNC_BROKER_PROPERTY, broker);
    try {
      io.vigil.gateway.config.VigilConfig c =
          io.vigil.gateway.config.ConfigLoader.parse(
              GatewayHost.yaml(dir, true, 32, GatewayUnderTest.Variant.AS_SHIPPED), "test");

      assertEquals(broker, c.sync().broker());
      assertTrue(c.sync().allowPlaintext());
      assertEquals(BenchBroker.FLEET, c.sync().fleet());
      assertEquals(Duration.ofSeconds(10), c.sync().summaryInterval());
      assertEquals("bench-as-shipped", c.audit().origin());
    } finally {
      System.clearProperty(GatewayHost.SYNC_BROKER_PROPERTY);
    }
    assertFalse(
        io.vigil.gateway.config.ConfigLoader.parse(
                GatewayHost.yaml(dir, true, 32, GatewayUnderTest.Variant.LEDGER_OFF), "test")
            .sync()
            .enabled());
  }

  @Test
  void aHostedGatewayTakesItsDurabilityAndInputStorageFromTheHarnessOrShipsTheDefaults()
      throws IOException {
    io.vigil.gateway.config.VigilConfig shipped =
        io.vigil.gateway.config.ConfigLoader.parse(
            GatewayHost.yaml(dir, true, 32, GatewayUnderTest.Variant.AS_SHIPPED), "test");
    assertEquals(io.vigil.audit.Durability.FULL, shipped.audit().durability());
    assertTrue(shipped.audit().storeInputs());
    System.setProperty(GatewayHost.DURABILITY_PROPERTY, "normal");
    System.setProperty(GatewayHost.STORE_INPUTS_PROPERTY, "false");
    try {
      io.vigil.gateway.config.VigilConfig c =
          io.vigil.gateway.config.ConfigLoader.parse(
              GatewayHost.yaml(dir, true, 32, GatewayUnderTest.Variant.AS_SHIPPED), "test");
      assertEquals(io.vigil.audit.Durability.NORMAL, c.audit().durability());
      assertFalse(c.audit().storeInputs());
    } finally {
      System.clearProperty(GatewayHost.DURABILITY_PROPERTY);
      System.clearProperty(GatewayHost.STORE_INPUTS_PROPERTY);
    }
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
