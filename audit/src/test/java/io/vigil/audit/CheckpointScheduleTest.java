package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CheckpointScheduleTest {

  private final TestLedgers.ManualNanoTime time = new TestLedgers.ManualNanoTime();
  private final CheckpointSchedule schedule =
      new CheckpointSchedule(10, Duration.ofMinutes(1), time);

  @Test
  void isDueOnceTheIntervalHasPassedIfTheTreeGrew() {
    // given a tree that grew by 3 entries since the checkpoint at size 5
    time.advance(Duration.ofSeconds(59));
    assertFalse(schedule.due(8, 5));
    assertEquals(Duration.ofSeconds(1).toNanos(), schedule.nanosToWait(8, 5));

    // when the minute is up
    time.advance(Duration.ofSeconds(1));

    // then a checkpoint is due and the writer need not wait
    assertTrue(schedule.due(8, 5));
    assertEquals(0, schedule.nanosToWait(8, 5));
  }

  @Test
  void isNeverDueWhileTheTreeDidNotGrow() {
    // given a tree of 5 entries that the last checkpoint covers
    // when hours pass
    time.advance(Duration.ofHours(5));

    // then no checkpoint is due, and the writer sleeps until an entry arrives
    assertFalse(schedule.due(5, 5));
    assertEquals(TimeUnit.HOURS.toNanos(1), schedule.nanosToWait(5, 5));
  }

  @Test
  void isDueAsSoonAsTheTreeGrewByTheEntriesBetweenCheckpoints() {
    assertFalse(schedule.due(9, 0));
    assertTrue(schedule.due(10, 0));
  }

  @Test
  void measuresTheIntervalFromTheLastAttempt() {
    // given a checkpoint attempted half a minute in
    time.advance(Duration.ofSeconds(30));
    schedule.attempted(true);

    // when another minute less a second passes, then none is due yet
    time.advance(Duration.ofSeconds(59));
    assertFalse(schedule.due(8, 5));

    // and once the minute is up, one is
    time.advance(Duration.ofSeconds(1));
    assertTrue(schedule.due(8, 5));
  }

  @Test
  void afterAFailedAttemptWaitsTheIntervalEvenIfEnoughEntriesArrived() {
    // given a failed attempt with the tree 10 entries past the checkpoint
    schedule.attempted(false);
    assertFalse(schedule.due(10, 0), "not retried on every commit");

    // when the interval passes, then it is retried
    time.advance(Duration.ofMinutes(1));
    assertTrue(schedule.due(10, 0));
  }
}
