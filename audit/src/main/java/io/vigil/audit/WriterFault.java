package io.vigil.audit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fault the writer has not recovered from: when it began, the failure that began it, when to try
 * again (at once after the first failure, then every {@link #RETRY_INTERVAL}), and whether it is
 * final (a damaged ledger, on which writing would build on what cannot be trusted). Logs one line
 * when it begins and whenever its code changes, not once a second.
 */
final class WriterFault {

  static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = System.getLogger(LedgerWriter.class.getName());

  private final Instant began;
  private final long beganNanos;
  private final AuditException first;
  private AuditException.Code logged;
  private long nextAttemptNanos;

  private WriterFault(Instant began, long beganNanos, AuditException first) {
    this.began = began;
    this.beganNanos = beganNanos;
    this.first = first;
    this.nextAttemptNanos = beganNanos;
    log(first);
  }

  /** A fault that begins with this failure, to be tried again at once. */
  static WriterFault begin(Instant now, long nowNanos, AuditException failure) {
    return new WriterFault(now, nowNanos, failure);
  }

  /** Another failure while it lasts: the next try comes after the interval. */
  void failedAgain(AuditException failure, long nowNanos) {
    nextAttemptNanos = nowNanos + RETRY_INTERVAL.toNanos();
    log(failure);
  }

  /** Skips this try; the next comes after the interval. */
  void postpone(long nowNanos) {
    nextAttemptNanos = nowNanos + RETRY_INTERVAL.toNanos();
  }

  boolean terminal() {
    return logged == AuditException.Code.DAMAGED;
  }

  boolean due(long nowNanos) {
    return !terminal() && nowNanos >= nextAttemptNanos;
  }

  /** How long the writer may wait for tasks before it should try again. */
  long nanosToWait(long nowNanos) {
    return terminal() ? TimeUnit.HOURS.toNanos(1) : Math.max(0, nextAttemptNanos - nowNanos);
  }

  /** The details of the {@code ledger.recovered} event. */
  Map<String, Object> details(long nowNanos, long rechecked) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fault_began", EntryCodec.formatTime(began));
    details.put("duration_ms", TimeUnit.NANOSECONDS.toMillis(nowNanos - beganNanos));
    details.put("code", first.code().name());
    details.put("failure", first.getMessage());
    details.put("entries_rechecked", rechecked);
    return details;
  }

  /** Logs the end of the fault, with the details recorded in {@code ledger.recovered}. */
  void logRecovered(Object database, Map<String, Object> details) {
    LOG.log(
        Level.INFO,
        "the ledger "
            + database
            + " records again after "
            + details.get("duration_ms")
            + " ms, "
            + details.get("entries_rechecked")
            + " entries re-checked; it had failed with: "
            + first.getMessage());
  }

  private void log(AuditException failure) {
    if (logged == failure.code()) {
      return;
    }
    LOG.log(
        failure.code() == AuditException.Code.DAMAGED ? Level.ERROR : Level.WARNING,
        (logged == null ? "the ledger cannot record: " : "the ledger still cannot record: ")
            + failure.getMessage());
    logged = failure.code();
  }
}
