package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock that stamps entries steps (NTP correcting a bad real-time clock); the monotonic
 * time does not. The ledger records each step before the entries stamped after it.
 */
class ClockStepTest {

  private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

  @TempDir Path dir;

  private final TestLedgers.ManualNanoTime monotonic = new TestLedgers.ManualNanoTime();

  /** A wall clock that runs with the monotonic time, plus whatever steps the test makes. */
  private final AtomicLong stepNanos = new AtomicLong();

  private final Clock wall =
      TestLedgers.clockAt(() -> START.plusNanos(monotonic.getAsLong() + stepNanos.get()));

  private Ledger open() {
    LedgerOptions options = TestLedgers.options(dir).withCheckpointInterval(Duration.ofMinutes(1));
    return Ledger.open(options, TestLedgers.signer(), wall, monotonic);
  }

  /** One entry a second, as a quiet gateway would record. */
  private void appendOnePerSecond(Ledger ledger, int count) {
    for (int i = 0; i < count; i++) {
      monotonic.advance(Duration.ofSeconds(1));
      ledger.append(TestLedgers.prediction(ledger.size())).join();
    }
  }

  private static EventEntry stepAt(List<StoredEntry> entries, long seq) {
    EventEntry e = assertInstanceOf(EventEntry.class, entries.get((int) seq).entry());
    assertEquals("clock.stepped", e.type());
    assertEquals("system", e.actor());
    return e;
  }

  /** Every entry whose time is before the one before it is a clock.stepped event. */
  private static void assertTimesGoBackOnlyAtASteppedEvent(List<StoredEntry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).time().isBefore(entries.get(i - 1).time())) {
        stepAt(entries, i);
      }
    }
  }

  @Test
  void recordsAStepBackwardsBeforeTheEntriesStampedAfterIt() {
    long stepped;
    try (Ledger ledger = open()) {
      appendOnePerSecond(ledger, 3);

      // given the wall clock is set back an hour between two entries
      monotonic.advance(Duration.ofSeconds(1));
      stepNanos.addAndGet(-Duration.ofHours(1).toNanos());

      // when the next entry is appended
      Receipt r = ledger.append(TestLedgers.prediction(3)).join();

      // then a clock.stepped event comes right before it
      stepped = r.seq() - 1;
      assertEquals(3, stepped);
      appendOnePerSecond(ledger, 2);
    }
    List<StoredEntry> entries = TestLedgers.entries(dir);
    String details = stepAt(entries, stepped).details();
    assertTrue(details.contains("\"expected\":\"2026-03-01T08:00:04.000000Z\""), details);
    assertTrue(details.contains("\"actual\":\"2026-03-01T07:00:04.000000Z\""), details);
    assertTrue(details.contains("\"step_ms\":-3600000"), details);
    assertTrue(entries.get((int) stepped).time().isBefore(entries.get(2).time()));
    assertTimesGoBackOnlyAtASteppedEvent(entries);
    assertEquals(1, TestLedgers.events(entries, "clock.stepped").size());
  }

  @Test
  void recordsAStepForwardsAndLetsSmallDriftPass() {
    try (Ledger ledger = open()) {
      appendOnePerSecond(ledger, 2);

      // given the clock drifts by a second, then jumps ten minutes ahead
      stepNanos.addAndGet(Duration.ofSeconds(1).toNanos());
      appendOnePerSecond(ledger, 2);
      stepNanos.addAndGet(Duration.ofMinutes(10).toNanos());
      appendOnePerSecond(ledger, 1);
    }

    // then the drift is not an event, the jump is, right before the entry after it
    List<StoredEntry> entries = TestLedgers.entries(dir);
    assertEquals(6, entries.size());
    String details = stepAt(entries, 4).details();
    assertTrue(details.contains("\"step_ms\":600000"), details);
    assertInstanceOf(PredictionEntry.class, entries.get(5).entry());
    assertEquals(1, TestLedgers.events(entries, "clock.stepped").size());
  }

  @Test
  void keepsSigningCheckpointsOnTheMonotonicTimeWhenTheClockStepsBack() {
    try (Ledger ledger = open()) {
      appendOnePerSecond(ledger, 2);
      TestLedgers.checkpoint(ledger);

      // given the wall clock steps back a day
      stepNanos.addAndGet(-Duration.ofDays(1).toNanos());

      // when a minute of monotonic time passes with entries arriving
      monotonic.advance(Duration.ofMinutes(1));
      ledger.append(TestLedgers.prediction(2)).join();
      ledger.append(TestLedgers.prediction(3)).join();

      // then the interval checkpoint is signed all the same, over the step and the entry
      assertEquals(4, ledger.latestCheckpoint().orElseThrow().size());
      assertTrue(ledger.healthy());
    }
  }

  @Test
  void recordsAClockThatStartsBehindTheLedgersLastEntry() {
    try (Ledger ledger = open()) {
      appendOnePerSecond(ledger, 2);
    }

    // given the gateway restarts with a real-time clock a year behind, before NTP corrects it
    stepNanos.set(-Duration.ofDays(365).toNanos());
    try (Ledger ledger = open()) {
      // when it records, then the first entry of the run is the step
      assertEquals(3, ledger.append(TestLedgers.prediction(2)).join().seq());
    }
    List<StoredEntry> entries = TestLedgers.entries(dir);
    String details = stepAt(entries, 2).details();
    assertTrue(details.contains("\"expected\":\"2026-03-01T08:00:02.000000Z\""), details);
    assertFalse(details.contains("\"step_ms\":0"), details);
    assertTimesGoBackOnlyAtASteppedEvent(entries);
  }
}
