package io.vigil.sync.outbox;

import java.util.Locale;

/** Whether the full-outbox policy may drop a row. */
public enum Priority {
  /**
   * Patient safety may be at stake (alert, suspension, rollback): never dropped, kept over the
   * limits if it must be, and then reported by {@link OutboxStats#overLimit()}.
   */
  SAFETY,
  /** Everything else: may be dropped, oldest summaries first, when the outbox is full. */
  ROUTINE;

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Priority fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
