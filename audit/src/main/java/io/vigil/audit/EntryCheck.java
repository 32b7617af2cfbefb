package io.vigil.audit;

import java.util.Arrays;
import java.util.Objects;

/**
 * Checks one entry's stored bytes: they parse, are canonical, record the sequence number they are
 * stored under, their stored input matches its digest, and the query columns match them.
 */
final class EntryCheck {

  private EntryCheck() {}

  /** Checks the bytes; the row's columns too where a row is given (null for a segment). */
  static void check(long seq, byte[] canonical, LedgerStore.Row row, Findings findings) {
    String subject = Findings.entry(seq);
    StoredEntry stored;
    try {
      stored = EntryCodec.decode(canonical);
    } catch (RuntimeException e) {
      findings.fail(subject, "its stored bytes are not a valid entry: " + e.getMessage());
      return;
    }
    if (!Arrays.equals(EntryCodec.canonical(stored), canonical)) {
      findings.fail(subject, "its stored bytes are not in canonical form: they were altered");
      return;
    }
    if (stored.seq() != seq) {
      findings.fail(
          subject,
          "its stored bytes record seq " + stored.seq() + ": entries were moved or swapped");
      return;
    }
    if (stored.entry() instanceof PredictionEntry p
        && p.inputStored()
        && !PredictionEntry.digestOf(p.inputs()).equals(p.inputDigest())) {
      findings.fail(subject, "its stored input does not match its input digest");
    }
    if (row != null) {
      EntryCodec.Encoded e = EntryCodec.encode(stored.entry());
      String time = EntryCodec.formatTime(stored.time());
      column(subject, "time", row.time(), time, findings);
      column(subject, "kind", row.kind(), e.kind(), findings);
      column(subject, "ref", row.ref(), e.ref(), findings);
      column(subject, "model_id", row.modelId(), e.modelId(), findings);
    }
  }

  private static void column(
      String subject, String name, String stored, String expected, Findings findings) {
    if (!Objects.equals(stored, expected)) {
      findings.fail(
          subject,
          "column " + name + " holds " + stored + " but the entry's bytes say " + expected);
    }
  }
}
