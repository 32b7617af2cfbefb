package io.vigil.audit;

import java.time.Instant;
import java.util.Objects;

/** An entry as the ledger holds it: its sequence number, its UTC time and what it records. */
public record StoredEntry(long seq, Instant time, Entry entry) {
  public StoredEntry {
    if (seq < 0) {
      throw new IllegalArgumentException("seq < 0");
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(entry, "entry");
  }
}
