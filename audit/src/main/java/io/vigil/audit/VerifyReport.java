package io.vigil.audit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code verify} found: how much it checked and every failure, the first of which names the
 * entry, node, checkpoint or segment where the ledger stops holding.
 *
 * @param size the number of entries in the ledger, archived ones included
 * @param entries the entries whose bytes were checked and hashed
 * @param checkpoints the signed checkpoints checked, the held one included
 * @param segments the archive segments read and checked
 * @param failures what does not hold, in the order found; empty when the ledger holds
 */
public record VerifyReport(
    long size, long entries, long checkpoints, long segments, List<Failure> failures) {

  /** At most this many failures are listed; a damaged ledger would otherwise list millions. */
  public static final int MAX_FAILURES = 100;

  /**
   * One thing that does not hold.
   *
   * @param subject what it is about: {@code entry 17}, {@code node (level 2, index 5)}, {@code
   *     checkpoint at size 1000}, {@code held checkpoint at size 900}, {@code segment 3 (...)}
   * @param reason what is wrong with it
   */
  public record Failure(String subject, String reason) {
    public Failure {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return subject + ": " + reason;
    }
  }

  public VerifyReport {
    failures = List.copyOf(failures);
  }

  /** Whether everything holds. */
  public boolean ok() {
    return failures.isEmpty();
  }

  /** The first failure found. */
  public Optional<Failure> firstFailure() {
    return failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(0));
  }

  /** Throws {@code VERIFY_FAILED} with the first failure unless everything holds. */
  public VerifyReport orThrow() {
    if (!ok()) {
      throw new AuditException(
          AuditException.Code.VERIFY_FAILED,
          "the ledger does not verify: " + failures.get(0) + " (" + failures.size() + " failures)");
    }
    return this;
  }

  @Override
  public String toString() {
    return (ok() ? "OK" : "FAILED")
        + ": "
        + size
        + " entries, "
        + entries
        + " checked, "
        + checkpoints
        + " checkpoints, "
        + segments
        + " segments"
        + (ok() ? "" : "; first failure: " + failures.get(0));
  }
}
