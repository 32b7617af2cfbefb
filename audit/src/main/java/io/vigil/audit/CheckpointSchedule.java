package io.vigil.audit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When the writer signs the next checkpoint: once the tree grew by N entries, or T after the last
 * checkpoint if the tree grew at all; after a failed attempt, not before T has passed again.
 *
 * <p>T is measured on a monotonic time in nanoseconds ({@link System#nanoTime} in the ledger), so
 * that a step of the wall clock neither hastens nor delays a checkpoint.
 */
final class CheckpointSchedule {

  private final long everyEntries;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long lastAttemptNanos;
  private boolean lastFailed;

  CheckpointSchedule(int everyEntries, Duration interval, LongSupplier nanoTime) {
    this.everyEntries = everyEntries;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.lastAttemptNanos = nanoTime.getAsLong();
  }

  /** How long the writer may wait for entries before a checkpoint is due. */
  long nanosToWait(long size, long checkpointSize) {
    if (size <= checkpointSize) {
      return TimeUnit.HOURS.toNanos(1);
    }
    return Math.max(0, lastAttemptNanos + intervalNanos - nanoTime.getAsLong());
  }

  boolean due(long size, long checkpointSize) {
    long grown = size - checkpointSize;
    if (grown <= 0) {
      return false;
    }
    boolean intervalPassed = nanoTime.getAsLong() - lastAttemptNanos >= intervalNanos;
    return intervalPassed || (grown >= everyEntries && !lastFailed);
  }

  void attempted(boolean succeeded) {
    lastAttemptNanos = nanoTime.getAsLong();
    lastFailed = !succeeded;
  }
}
