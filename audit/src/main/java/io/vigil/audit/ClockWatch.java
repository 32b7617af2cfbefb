package io.vigil.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Watches the wall clock that stamps entries against the monotonic time: when the wall clock moved
 * more than {@link #TOLERANCE} away from where the monotonic time says it should be since the last
 * commit (NTP correcting a bad real-time clock, forwards or backwards), or would stamp an entry
 * earlier than the last one, the writer records a {@code clock.stepped} event before the entries,
 * so that the ledger's times never go backwards without that event right before.
 */
final class ClockWatch {

  /** Steps up to this size pass unrecorded, unless they would take the ledger's time backwards. */
  static final Duration TOLERANCE = Duration.ofSeconds(2);

  /** A step of the wall clock. */
  record Step(Instant expected, Instant actual) {
    long millis() {
      return Duration.between(expected, actual).toMillis();
    }
  }

  /** The wall time for the next commit, and the step that led to it, if any. */
  record Reading(Instant time, long nanos, Optional<Step> step) {}

  private final Clock clock;
  private final LongSupplier nanoTime;
  private Instant referenceTime;
  private long referenceNanos;
  private Instant lastStamp;

  /** Starts watching now; {@code lastStamp}: the time of the ledger's last entry, or null. */
  ClockWatch(Clock clock, LongSupplier nanoTime, Instant lastStamp) {
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.referenceTime = clock.instant();
    this.referenceNanos = nanoTime.getAsLong();
    this.lastStamp = lastStamp;
  }

  /** Reads both clocks for the next commit. */
  Reading read() {
    Instant now = clock.instant();
    long nanos = nanoTime.getAsLong();
    Instant expected = referenceTime.plusNanos(nanos - referenceNanos);
    if (Duration.between(expected, now).abs().compareTo(TOLERANCE) > 0) {
      return new Reading(now, nanos, Optional.of(new Step(expected, now)));
    }
    if (lastStamp != null && now.isBefore(lastStamp)) {
      // A small step back, or a clock that started behind the ledger's last entry.
      Instant later = expected.isAfter(lastStamp) ? expected : lastStamp;
      return new Reading(now, nanos, Optional.of(new Step(later, now)));
    }
    return new Reading(now, nanos, Optional.empty());
  }

  /** The commit stamped with this reading went through: it is the reference from now on. */
  void committed(Reading reading) {
    referenceTime = reading.time();
    referenceNanos = reading.nanos();
    lastStamp = reading.time();
  }
}
