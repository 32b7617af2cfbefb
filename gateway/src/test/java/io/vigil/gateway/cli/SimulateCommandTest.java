package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil simulate} against a real gateway that serves the demonstration model; counts are
 * checked, never timings.
 */
class SimulateCommandTest {

  @TempDir static Path dataDir;
  private static Gateway gateway;
  private static String url;

  @BeforeAll
  static void aGatewayServingTheDemonstrationModel() {
    // The simulator stands for a device behind a proxy on this machine that names it.
    gateway =
        Gateway.start(
            TestGateways.withTrustedProxyHeader(TestGateways.config(dataDir), "X-Device-Id"));
    url = "http://127.0.0.1:" + gateway.port();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void answersEveryRequestWith200AndTheLedgerRecordsEachOne() {
    Cli.Result r =
        simulate(
            "--seed",
            "11",
            "--rate",
            "20",
            "--duration",
            "2s",
            "--report-every",
            "500ms",
            "--device-id",
            "ward-7-monitor");

    assertEquals(0, r.status(), r.err());
    long sent = summary(r, "sent");
    assertTrue(sent > 0, r.out());
    assertEquals(sent, summary(r, "200"), r.out());
    assertEquals(0, summary(r, "4xx") + summary(r, "429") + summary(r, "503"), r.out());
    assertEquals(0, summary(r, "no answer"), r.out());
    List<PredictionEntry> recorded = predictions("simulate-11-");
    assertEquals(sent, recorded.size(), "predictions in the ledger");
    assertTrue(recorded.stream().allMatch(p -> p.deviceId().equals("ward-7-monitor")));
    assertTrue(r.out().contains("wdbc-malignancy 1.0.0"), r.out());
    assertTrue(r.out().contains("positive: probability >= "), r.out());
  }

  @Test
  void aPrevalenceOfOneGivesMorePositivesThanAPrevalenceOfZero() {
    Cli.Result allMalignant =
        simulate("--seed", "12", "--rate", "20", "--duration", "1500ms", "--shift", "prevalence:1");
    Cli.Result allBenign =
        simulate("--seed", "13", "--rate", "20", "--duration", "1500ms", "--shift", "prevalence:0");

    assertEquals(0, allMalignant.status(), allMalignant.err());
    assertEquals(0, allBenign.status(), allBenign.err());
    assertTrue(
        positiveRate(allMalignant) > positiveRate(allBenign),
        allMalignant.out() + "\n" + allBenign.out());
    assertTrue(allMalignant.out().contains("shifts: prevalence:1"), allMalignant.out());
  }

  @Test
  void missingValuesAreAnswered400AndCounted() {
    Cli.Result r =
        simulate(
            "--seed",
            "14",
            "--rate",
            "20",
            "--duration",
            "1500ms",
            "--shift",
            "missing:area_mean=0.5");

    assertEquals(0, r.status(), r.err());
    long sent = summary(r, "sent");
    long refused = summary(r, "4xx");
    assertTrue(refused > 0, r.out());
    assertEquals(sent, summary(r, "200") + refused, r.out());
    assertTrue(r.out().contains("answer    " + refused + " x 400 "), r.out());
    assertEquals(summary(r, "200"), predictions("simulate-14-").size());
  }

  @Test
  void aClosedLoopRunsToTheEnd() {
    Cli.Result r = simulate("--seed", "15", "--concurrency", "2", "--duration", "1s");

    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("closed loop, 2 in flight"), r.out());
    assertEquals(summary(r, "sent"), summary(r, "200"), r.out());
    assertEquals(summary(r, "200"), predictions("simulate-15-").size());
  }

  @Test
  void aShiftOfAnUnknownFeatureIsRefusedBeforeAnythingIsSent() {
    Cli.Result r = simulate("--seed", "16", "--shift", "scale:area=1.5");

    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("no feature 'area'"), r.err());
    assertTrue(r.err().contains("radius_mean, texture_mean"), r.err());
    assertTrue(r.err().contains("fractal_dimension_worst"), r.err());
    assertEquals(0, predictions("simulate-16-").size());
  }

  @Test
  void malformedShiftsAreRefusedNamingTheProblem() {
    assertRefused("scale:area_mean", "lacks '='");
    assertRefused("tilt:area_mean=2", "is not a shift; expected scale:FEATURE=FACTOR");
    assertRefused("missing:area_mean=2", "FRACTION must be between 0 and 1, got 2");
    assertRefused("prevalence:many", "P must be a number, got 'many'");
    assertRefused("scale:area_mean=1.5@soon", "SECONDS after @ must be a number");
  }

  @Test
  void rateAndConcurrencyTogetherAreRefused() {
    Cli.Result r = simulate("--rate", "5", "--concurrency", "2");

    assertEquals(2, r.status());
    assertTrue(r.err().contains("give --rate or --concurrency, not both"), r.err());
  }

  @Test
  void anUnreachableGatewayExitsOneNamingItsUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    Cli.Result r =
        Cli.run("simulate", "--url", "http://127.0.0.1:" + port, "--rate", "5", "--duration", "1s");

    assertEquals(1, r.status(), r.out());
    assertTrue(r.err().contains("cannot reach the gateway at http://127.0.0.1:" + port), r.err());
    assertTrue(r.out().isEmpty(), r.out());
  }

  @Test
  void anUnknownModelExitsOneNamingIt() {
    Cli.Result r = simulate("--model", "no-such-model", "--duration", "1s");

    assertEquals(1, r.status(), r.out());
    assertTrue(r.err().contains("has no model 'no-such-model'"), r.err());
  }

  private static void assertRefused(String shift, String expected) {
    Cli.Result r = simulate("--shift", shift);
    assertEquals(2, r.status(), shift + ": " + r.out());
    assertTrue(r.err().contains(expected), shift + ": " + r.err());
  }

  private static Cli.Result simulate(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "simulate";
    all[1] = "--url";
    all[2] = url;
    System.arraycopy(args, 0, all, 3, args.length);
    return Cli.run(all);
  }

  /** A count from the summary line, such as {@code sent 40} or {@code 200: 40}. */
  private static long summary(Cli.Result r, String name) {
    Matcher m =
        Pattern.compile("(?m)^summary .*\\b" + Pattern.quote(name) + ":? (\\d+)").matcher(r.out());
    assertTrue(m.find(), "no '" + name + "' in the summary:\n" + r.out());
    return Long.parseLong(m.group(1));
  }

  private static double positiveRate(Cli.Result r) {
    Matcher m = Pattern.compile("(?m)^positive  ([0-9.]+) ").matcher(r.out());
    assertTrue(m.find(), r.out());
    return Double.parseDouble(m.group(1));
  }

  private static List<PredictionEntry> predictions(String requestIdPrefix) {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(PredictionEntry.class::isInstance)
          .map(PredictionEntry.class::cast)
          .filter(p -> p.requestId().startsWith(requestIdPrefix))
          .toList();
    }
  }
}
