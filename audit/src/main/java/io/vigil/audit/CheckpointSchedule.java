package io.vigil.audit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When the writer signs the next checkpoint: once the tree grew by N entries, or T after the last
 * checkpoint if the tree grew at all; after a failed attempt, not before T has passed again.
 */
final class CheckpointSchedule {

  private final long everyEntries;
  private final long intervalNanos;
  private long lastAttemptNanos = System.nanoTime();
  private boolean lastFailed;

  CheckpointSchedule(int everyEntries, Duration interval) {
    this.everyEntries = everyEntries;
    this.intervalNanos = interval.toNanos();
  }

  /** How long the writer may wait for entries before a checkpoint is due. */
  long nanosToWait(long size, long checkpointSize) {
    if (size <= checkpointSize) {
      return TimeUnit.HOURS.toNanos(1);
    }
    return Math.max(0, lastAttemptNanos + intervalNanos - System.nanoTime());
  }

  boolean due(long size, long checkpointSize) {
    long grown = size - checkpointSize;
    if (grown <= 0) {
      return false;
    }
    boolean intervalPassed = System.nanoTime() - lastAttemptNanos >= intervalNanos;
    return intervalPassed || (grown >= everyEntries && !lastFailed);
  }

  void attempted(boolean succeeded) {
    lastAttemptNanos = System.nanoTime();
    lastFailed = !succeeded;
  }
}
