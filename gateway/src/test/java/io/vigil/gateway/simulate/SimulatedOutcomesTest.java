package io.vigil.gateway.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.monitoring.LivePerformance;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.SafetyLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil simulate --outcomes} against a running gateway: the true labels of the rows it sent
 * come back after their delay; honest ones keep the demonstration model normal, a third flipped
 * alerts it on its live sensitivity.
 */
class SimulatedOutcomesTest {

  @TempDir Path dataDir;

  @Test
  void honestOutcomesKeepTheModelNormal() {
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      String printed = simulate(gateway, 0);

      ModelMonitor monitor = monitor(gateway);
      LivePerformance p = monitor.performance();
      System.out.println(row("honest", p));
      assertTrue(
          printed.contains("outcomes  sent 400 (accepted 400, refused 0), 0 flipped"), printed);
      assertEquals(400, p.all().sinceActivation().total());
      assertEquals(SafetyLevel.NORMAL, p.verdict(), p.reasons().toString());
    }
  }

  @Test
  void aThirdOfTheOutcomesFlippedAlertsTheModelOnItsSensitivity() {
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      String printed = simulate(gateway, 0.33);

      ModelMonitor monitor = monitor(gateway);
      System.out.println(row("a third flipped", monitor.performance()));
      assertTrue(printed.contains("accepted 400, refused 0"), printed);
      assertEquals(SafetyLevel.ALERT, monitor.performance().verdict());
      assertTrue(monitor.level().compareTo(SafetyLevel.ALERT) >= 0, monitor.level().toString());
      assertTrue(
          monitor.reasons().stream().anyMatch(r -> r.startsWith("live sensitivity")),
          monitor.reasons().toString());
    }
  }

  private static String simulate(Gateway gateway, double errorRate) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Simulator.run(
        new Simulation(
            URI.create("http://127.0.0.1:" + gateway.port() + "/"),
            "wdbc-malignancy",
            200,
            0,
            Duration.ofSeconds(2),
            1,
            0.02,
            "ward-sim",
            Duration.ofSeconds(1),
            List.of(),
            new OutcomeFeed(true, Duration.ofMillis(200), errorRate)),
        TestSplit.shipped(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    // The monitor thread counts what the gateway recorded within its next drain (20 ms).
    for (int i = 0;
        i < 200 && monitor(gateway).performance().all().sinceActivation().total() < 400;
        i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return printed;
  }

  /** One line of the README's table of the demo model's live performance. */
  private static String row(String run, LivePerformance p) {
    LivePerformance.Counts c = p.all().window();
    StringBuilder b =
        new StringBuilder(
            String.format(
                java.util.Locale.ROOT,
                "| %s | %d | %d | %d | %d | %d |",
                run,
                c.total(),
                c.tp(),
                c.fp(),
                c.tn(),
                c.fn()));
    for (LivePerformance.Estimate e : List.of(c.sensitivity(), c.specificity(), c.ppv(), c.npv())) {
      b.append(
          String.format(
              java.util.Locale.ROOT, " %.3f (%.3f–%.3f) |", e.value(), e.low(), e.high()));
    }
    return b.append(
            String.format(
                java.util.Locale.ROOT,
                " %d ms | %s |",
                p.delay().windowMedianMillis(),
                p.verdict().jsonName()))
        .toString();
  }

  private static ModelMonitor monitor(Gateway gateway) {
    return gateway.models().active("wdbc-malignancy").monitor().orElseThrow();
  }
}
