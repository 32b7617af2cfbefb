package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vigil.audit.ConsistencyProof;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerOptions;
import io.vigil.gateway.ledger.Signers;
import io.vigil.gateway.metrics.InferenceMeters;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.inference.batch.BatchingOptions;
import io.vigil.inference.runtime.RuntimeOptions;
import io.vigil.inference.validation.RangePolicy;
import io.vigil.sync.message.MessageJson;
import io.vigil.sync.message.ModelStats;
import io.vigil.sync.message.Summary;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummariesTest {

  private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");

  @TempDir Path dir;

  // The gateway's registry: the latency windows read its histogram buckets.
  private final MeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Ledger ledger;
  private ModelRegistry models;
  private int entries;

  @BeforeEach
  void ledger() throws Exception {
    IdentityKey key = IdentityKey.loadOrCreate(Files.createDirectories(dir.resolve("keys")), "gw");
    ledger =
        Ledger.open(
            LedgerOptions.of(dir.resolve("audit.db"), "gw"), Signers.of(key), Clock.systemUTC());
    models =
        new ModelRegistry(
            RuntimeOptions.DEFAULT,
            BatchingOptions.DEFAULT,
            RangePolicy.REJECT,
            64,
            new InferenceMeters(meters),
            b -> Optional.empty(),
            m -> {});
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private Summaries summaries() {
    return new Summaries(
        meters,
        models,
        Optional.of(ledger),
        dir.resolve("sync/summary-checkpoint"),
        "1.0.0",
        START);
  }

  private void grow(int n) {
    for (int i = 0; i < n; i++) {
      ledger.append(EventEntry.of("test.entry", "entry-" + entries++)).join();
    }
    ledger.checkpoint().join();
  }

  /** Closes and "appends" a summary, as the sync worker does. */
  private Summary send(Summaries s, int minute) {
    Summary summary = s.close(START.plusSeconds(60L * minute));
    s.appended(summary);
    return summary;
  }

  private static ConsistencyProof proofOf(Summary s) {
    return ConsistencyProof.fromJson(
        Json.parse(MessageJson.summary(s)).get("ledger_consistency").toString());
  }

  @Test
  void carriesAProofThatEachCheckpointExtendsThePreviousSummarys() {
    Summaries s = summaries();
    grow(3);
    Summary first = send(s, 1);
    grow(5);
    Summary second = send(s, 2);
    Summary third = send(s, 3);

    assertTrue(first.consistency().isEmpty());
    String note1 = first.checkpoint().orElseThrow().note();
    String note2 = second.checkpoint().orElseThrow().note();
    ConsistencyProof p = proofOf(second);
    assertEquals(3, p.oldSize());
    assertEquals(8, p.newSize());
    assertDoesNotThrow(() -> p.check(note1, note2, ledger.verifierKey()));
    // The ledger did not grow: the proof is between equal sizes, and holds.
    assertDoesNotThrow(
        () ->
            proofOf(third)
                .check(note2, third.checkpoint().orElseThrow().note(), ledger.verifierKey()));
  }

  @Test
  void provesFromTheLastSummarysCheckpointAfterARestart() {
    grow(4);
    Summary before = send(summaries(), 1);
    grow(2);

    Summary after = send(summaries(), 2);

    ConsistencyProof p = proofOf(after);
    assertEquals(4, p.oldSize());
    assertDoesNotThrow(
        () ->
            p.check(
                before.checkpoint().orElseThrow().note(),
                after.checkpoint().orElseThrow().note(),
                ledger.verifierKey()));
  }

  @Test
  void sendsNoProofWhenTheKeptCheckpointIsUnreadable() throws Exception {
    grow(2);
    Files.createDirectories(dir.resolve("sync"));
    Files.writeString(dir.resolve("sync/summary-checkpoint"), "not a checkpoint");

    Summary s = send(summaries(), 1);

    assertTrue(s.checkpoint().isPresent());
    assertTrue(s.consistency().isEmpty());
  }

  @Test
  void reportsEachVersionItsOwnLatency() {
    InferenceMeters inference = new InferenceMeters(meters);
    for (int i = 0; i < 20; i++) {
      inference.requests("sepsis", "1.0.0").answered(200, 1_000_000);
      inference.requests("sepsis", "2.0.0").answered(200, 100_000_000);
    }
    Summaries s = summaries();

    Map<String, ModelStats> byVersion =
        send(s, 1).models().stream().collect(Collectors.toMap(m -> m.model().version(), m -> m));

    assertEquals(20, byVersion.get("1.0.0").requests());
    assertEquals(20, byVersion.get("2.0.0").requests());
    long fast = byVersion.get("1.0.0").latency().p99Micros();
    long slow = byVersion.get("2.0.0").latency().p99Micros();
    assertTrue(fast < 2_000, "1.0.0's p99 " + fast + " µs");
    assertTrue(slow > 50_000, "2.0.0's p99 " + slow + " µs");
  }

  @Test
  void carriesEachMonitoredVersionsOutcomeCountsAndNothingElseOfTheCases() throws Exception {
    // given a monitored version that counted three outcomes
    try (io.vigil.monitoring.Monitoring monitoring =
        io.vigil.monitoring.Monitoring.start(
            dir.resolve("monitoring"), Clock.systemUTC(), new NoListener())) {
      ModelRegistry monitored =
          new ModelRegistry(
              RuntimeOptions.DEFAULT,
              BatchingOptions.DEFAULT,
              RangePolicy.REJECT,
              64,
              new InferenceMeters(meters),
              b ->
                  Optional.of(
                      monitoring.monitor(
                          b.manifest(),
                          io.vigil.inference.bundle.ReferenceProfileCodec.parse(
                              b.file(io.vigil.inference.bundle.ReferenceProfile.FILE)
                                  .orElseThrow()),
                          io.vigil.monitoring.MonitorOptions.of(b.manifest()))),
              m -> {});
      try {
        var model = monitored.load(io.vigil.gateway.update.Releases.release(1, -0.1f));
        var monitor = model.monitor().orElseThrow();
        monitor.outcome(new io.vigil.monitoring.Outcome(0.9, true, "", 60_000));
        monitor.outcome(new io.vigil.monitoring.Outcome(0.2, true, "", 120_000));
        monitor.outcome(new io.vigil.monitoring.Outcome(0.1, false, "", 180_000));
        monitoring.drainNow();

        // when a summary is made
        Summary s =
            new Summaries(
                    meters,
                    monitored,
                    Optional.of(ledger),
                    dir.resolve("sync/summary-checkpoint"),
                    "1.0.0",
                    START)
                .close(START.plusSeconds(60));

        // then it carries the version's counts, since activation and in the window
        var counts = s.outcomes().get(0);
        assertEquals(io.vigil.gateway.update.Releases.MODEL, counts.model().model());
        assertEquals("all", counts.subgroup());
        assertEquals(
            new io.vigil.sync.message.OutcomeCounts.Cells(1, 0, 1, 1), counts.sinceActivation());
        assertEquals(counts.sinceActivation(), counts.window());
        assertEquals(120_000, counts.meanDelayMillis());
        String json = new String(MessageJson.summary(s), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outcomes\":[{"), json);
      } finally {
        monitored.close();
      }
    }
  }

  private static final class NoListener implements io.vigil.monitoring.SafetyListener {
    @Override
    public void windowClosed(
        io.vigil.monitoring.ModelMonitor monitor, io.vigil.monitoring.WindowResult window) {}

    @Override
    public void levelChanged(
        io.vigil.monitoring.ModelMonitor monitor,
        io.vigil.monitoring.SafetyLevel from,
        io.vigil.monitoring.SafetyLevel to,
        java.util.List<String> reasons,
        String actor) {}
  }
}
