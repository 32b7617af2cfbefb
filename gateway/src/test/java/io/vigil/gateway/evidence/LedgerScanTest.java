package io.vigil.gateway.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.evidence.Facts.Activation;
import io.vigil.gateway.evidence.Facts.Count;
import io.vigil.gateway.ledger.Events;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.monitoring.SafetyLevel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one pass over a real ledger says about a model whose update was promoted, suspended and
 * rolled back, within a period that starts and ends between those events.
 */
class LedgerScanTest {

  private static final String MODEL = "scan-model";
  private static final Bundle FIRST = TestBundles.bundle(MODEL, "1.0.0", 1);
  private static final Bundle SECOND = TestBundles.bundle(MODEL, "1.1.0", 2);

  @TempDir Path dataDir;

  @Test
  void tellsActivePeriodsCountsSafetyChangesAndRollbacksWithinThePeriod() throws Exception {
    Instant from;
    Instant promoted;
    Instant rolledBack;
    Instant to;
    try (Ledger ledger = Ledgers.open(TestGateways.config(dataDir))) {
      append(ledger, Events.bundleActivated(FIRST, true));
      append(ledger, prediction(FIRST, "before"));
      from = pause();
      append(ledger, prediction(FIRST, "first"));
      promoted = pause();
      append(
          ledger,
          EventEntry.of(
              "update.promoted",
              "operator:alice",
              Map.of(
                  "model_id",
                  MODEL,
                  "version",
                  "1.1.0",
                  "release",
                  2,
                  "bundle_sha256",
                  SECOND.sha256(),
                  "reason",
                  "shadow run agreed")));
      append(ledger, prediction(SECOND, "second"));
      append(ledger, prediction(SECOND, "third"));
      append(
          ledger,
          Events.safetyChanged(
              MODEL,
              "1.1.0",
              SafetyLevel.NORMAL,
              SafetyLevel.SUSPEND,
              List.of("positive rate"),
              "system"));
      rolledBack = pause();
      append(ledger, Events.rolledBack(SECOND, FIRST, "operator:bob", "suspended on the ward"));
      append(ledger, prediction(FIRST, "fourth"));
      to = pause();
      append(ledger, prediction(FIRST, "after"));
      ledger.checkpoint().join();
    }

    LedgerScan scan;
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      scan = LedgerScan.run(reader, reader.size(), MODEL, from, to, List.of("third"));
    }

    LedgerScan.VersionRecord first = scan.versions.get("1.0.0");
    LedgerScan.VersionRecord second = scan.versions.get("1.1.0");
    assertEquals(2, first.active.size(), first.active.toString());
    assertEquals(new Activation(from, first.active.get(0).end(), "activated"), first.active.get(0));
    assertEquals("rolled back to by operator:bob", first.active.get(1).how());
    assertEquals(Optional.empty(), first.active.get(1).end());
    Activation update = second.active.get(0);
    assertEquals("promoted by operator:alice", update.how());
    assertEquals(first.active.get(0).end(), Optional.of(update.start()));
    assertEquals(update.end(), Optional.of(first.active.get(1).start()));
    assertTrue(update.start().isAfter(promoted), "promoted after " + promoted);
    assertTrue(update.end().orElseThrow().isAfter(rolledBack), "rolled back after " + rolledBack);
    assertEquals(List.of("update.promoted"), second.decisions.stream().map(d -> d.type()).toList());
    assertEquals(
        List.of(new Count("1.0.0", "normal", 2), new Count("1.1.0", "normal", 2)), scan.counts);
    assertEquals(1, scan.safetyEvents.size());
    assertEquals("suspend", scan.safetyEvents.get(0).to());
    assertEquals(1, scan.rollbacks.size());
    assertEquals("operator:bob", scan.rollbacks.get(0).actor());
    assertEquals(1, scan.requests.get("third").size());
  }

  private static void append(Ledger ledger, io.vigil.audit.Entry entry) {
    ledger.append(entry).join();
  }

  /** An instant strictly between the entries appended before and after it. */
  private static Instant pause() throws InterruptedException {
    Thread.sleep(5);
    Instant t = Instant.now();
    Thread.sleep(5);
    return t;
  }

  private static PredictionEntry prediction(Bundle bundle, String requestId) {
    return new PredictionEntry(
        requestId,
        "device-1",
        MODEL,
        bundle.manifest().version(),
        bundle.sha256(),
        PredictionEntry.digestOf(List.of()),
        List.of(),
        List.of(),
        1000,
        "normal",
        List.of());
  }
}
