package io.vigil.sync.message;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordsTest {

  private static final String NOTE =
      "vigil.example/gw-ward-3\n42\n"
          + "A".repeat(43)
          + "=\n\n\u2014 vigil.example/gw-ward-3 "
          + "B".repeat(88)
          + "\n";

  @Test
  void acceptsASignedCheckpointNoteAndNothingElse() {
    assertDoesNotThrow(() -> new LedgerCheckpoint(NOTE));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LedgerCheckpoint(NOTE.replace("\n\n", "\npatient 17.99 icu-bed-07\n\n")));
    assertThrows(IllegalArgumentException.class, () -> new LedgerCheckpoint("free text"));
  }

  @Test
  void readsTheTreeSizeOfACheckpointNote() {
    assertEquals(42, new LedgerCheckpoint(NOTE).size());
  }

  @Test
  void acceptsAConsistencyProofOfHashesOnly() {
    String hash = "C".repeat(43) + "=";
    assertDoesNotThrow(() -> new LedgerConsistency(7, 42, java.util.List.of(hash, hash)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LedgerConsistency(7, 42, java.util.List.of("patient 17.99 icu-bed-07")));
    assertThrows(
        IllegalArgumentException.class, () -> new LedgerConsistency(43, 42, java.util.List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new LedgerConsistency(-1, 42, java.util.List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LedgerConsistency(
                1, 42, java.util.Collections.nCopies(LedgerConsistency.MAX_PATH + 1, hash)));
  }

  @Test
  void refusesAConsistencyProofThatEndsElsewhereThanTheCheckpoint() {
    SummaryBuilder b = new SummaryBuilder(Instant.parse("2026-12-01T10:00:00Z"), "1.0.0");
    b.checkpoint(new LedgerCheckpoint(NOTE), new LedgerConsistency(7, 41, java.util.List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> b.close(Instant.parse("2026-12-01T10:05:00Z")));
  }

  @Test
  void refusesFreeTextWhereACodeOrNameGoes() {
    ModelRef model = new ModelRef("wdbc", "1.0.0");
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Event(
                at,
                EventKind.ALERT,
                model,
                SafetyLevel.ALERT,
                "value 17.99 out of range",
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Event(
                at, EventKind.ALERT, model, SafetyLevel.ALERT, "drift.psi", Optional.of("row17")));
    assertThrows(IllegalArgumentException.class, () -> new ModelRef("wdbc model", "1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InventoryItem(model, "not-a-digest", SafetyLevel.NORMAL, true));
  }

  @Test
  void aCommandRefusalCarriesTheCommandAndItsCodeWithoutAModel() {
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    Event e = Event.commandRefused(at, "summary_now", "unsigned");
    assertEquals(
        "{\"at\":\"2026-12-01T10:00:00Z\",\"code\":\"unsigned\",\"command\":\"summary_now\","
            + "\"kind\":\"command_refused\"}",
        new String(MessageJson.event(e), java.nio.charset.StandardCharsets.UTF_8));
    assertThrows(
        IllegalArgumentException.class,
        () -> Event.commandRefused(at, "summary-now from icu-bed-07", "unsigned"));
    assertThrows(
        IllegalArgumentException.class, () -> Event.commandRefused(at, "resume", "FAILED 17"));
    ModelRef model = new ModelRef("wdbc", "1.0.0");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Event(
                at,
                EventKind.COMMAND_REFUSED,
                model,
                SafetyLevel.NORMAL,
                "resume",
                Optional.of("failed")));
    assertThrows(
        NullPointerException.class,
        () ->
            new Event(at, EventKind.ALERT, null, SafetyLevel.ALERT, "drift.psi", Optional.empty()));
  }

  @Test
  void reportsLatencyPercentilesWithinThreePercentAndTheExactMaximum() {
    LatencyHistogram h = new LatencyHistogram();
    for (long micros = 1; micros <= 10_000; micros++) {
      h.record(micros);
    }
    Latency l = h.latency();
    assertTrue(Math.abs(l.p50Micros() - 5_000) <= 150, l.toString());
    assertTrue(Math.abs(l.p90Micros() - 9_000) <= 270, l.toString());
    assertTrue(Math.abs(l.p99Micros() - 9_900) <= 297, l.toString());
    assertEquals(10_000, l.maxMicros());
  }

  @Test
  void keepsCountsAcrossPeriodsAndStartsEachPeriodsLatencyAfresh() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    ModelRef model = new ModelRef("wdbc", "1.0.0");
    SummaryBuilder b = new SummaryBuilder(start, "0.1.0");
    b.request(model, 200, 5_000);
    b.request(model, 503, 9_000);
    Summary first = b.close(start.plusSeconds(60));
    b.request(model, 200, 100);
    Summary second = b.close(start.plusSeconds(120));

    ModelStats s = second.models().get(0);
    assertEquals(3, s.requests());
    assertEquals(1, s.errors());
    assertEquals(2L, s.byStatus().get(200));
    assertEquals(100, s.latency().maxMicros());
    assertEquals(start.plusSeconds(60), second.periodStart());
    assertEquals(9_000, first.models().get(0).latency().maxMicros());
  }
}
