package io.vigil.audit;

import java.util.List;

/**
 * Checks signed checkpoints against the recomputed tree: signature, origin, size within the ledger,
 * root equal to the tree's root at that size, and each consistent with the one before.
 */
final class CheckpointCheck {

  private final Merkle merkle;
  private final VerifierKey key;
  private final String origin;
  private final long size;
  private final Findings findings;
  private int checked;

  CheckpointCheck(Merkle merkle, VerifierKey key, String origin, long size, Findings findings) {
    this.merkle = merkle;
    this.key = key;
    this.origin = origin;
    this.size = size;
    this.findings = findings;
  }

  int checked() {
    return checked;
  }

  /** The checkpoints table, in size order, each consistent with the previous one. */
  void table(List<LedgerStore.CheckpointRow> rows) {
    Checkpoint previous = null;
    for (LedgerStore.CheckpointRow row : rows) {
      String subject = "checkpoint at size " + row.size();
      Checkpoint c = check(subject, row.note());
      if (c == null) {
        continue;
      }
      if (c.size() != row.size()) {
        findings.fail(subject, "its signed note says size " + c.size());
        continue;
      }
      if (previous != null && !consistent(previous, c)) {
        findings.fail(subject, "is not consistent with the checkpoint at size " + previous.size());
      }
      previous = c;
    }
  }

  /** A checkpoint held elsewhere (the manufacturer's copy), or one sealed into a segment. */
  void other(String what, String note) {
    String subject = what;
    try {
      subject = what + " at size " + Checkpoint.parseUnverified(note).size();
    } catch (AuditException e) {
      // named without its size; check() reports why it does not parse
    }
    Checkpoint c = check(subject, note);
    if (c != null && c.size() < size && !consistent(c, null)) {
      findings.fail(subject, "the ledger is not consistent with it");
    }
  }

  /** Checks one checkpoint; null if it failed. */
  private Checkpoint check(String subject, String note) {
    checked++;
    Checkpoint c;
    try {
      c = Checkpoint.open(note, key);
    } catch (AuditException e) {
      findings.fail(subject, "forged or damaged: " + e.getMessage());
      return null;
    }
    if (!c.origin().equals(origin)) {
      findings.fail(subject, "is for origin " + c.origin() + ", not this ledger's " + origin);
      return null;
    }
    if (c.size() > size) {
      findings.fail(
          subject,
          "covers "
              + c.size()
              + " entries but the ledger holds only "
              + size
              + ": it was truncated or an older copy was restored");
      return null;
    }
    try {
      if (!Hash.wrap(merkle.root(c.size())).equals(c.root())) {
        findings.fail(
            subject,
            "its root differs from the ledger's tree at that size:"
                + " entries before "
                + c.size()
                + " were rewritten or an older copy was restored");
        return null;
      }
    } catch (AuditException e) {
      findings.fail(subject, "the tree at that size cannot be computed: " + e.getMessage());
      return null;
    }
    return c;
  }

  /** Whether a consistency proof from older to newer (or to the whole ledger) checks. */
  private boolean consistent(Checkpoint older, Checkpoint newer) {
    long newSize = newer == null ? size : newer.size();
    byte[] newRoot = newer == null ? merkle.root(size) : newer.root().unsafeBytes();
    return Merkle.verifyConsistency(
        older.size(),
        newSize,
        older.root().unsafeBytes(),
        newRoot,
        merkle.consistency(older.size(), newSize));
  }
}
