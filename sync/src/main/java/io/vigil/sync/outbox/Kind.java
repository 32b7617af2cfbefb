package io.vigil.sync.outbox;

import java.util.Locale;

/** What a row of the outbox carries; the receiver tells them apart by payload type. */
public enum Kind {
  /**
   * Aggregates of a period: superseded by the next one, so the first to go when the box is full.
   */
  SUMMARY,
  /** Something that happened: a safety alert or suspension, an update refused, a rollback. */
  EVENT,
  /**
   * Written only by the outbox itself: how many rows the full-outbox policy dropped and which
   * sequence range they were in (see {@link DropMarker}).
   */
  DROPPED;

  /** The name stored and sent: {@code summary}, {@code event}, {@code outbox.dropped}. */
  public String wireName() {
    return this == DROPPED ? "outbox.dropped" : name().toLowerCase(Locale.ROOT);
  }

  static Kind fromWireName(String name) {
    for (Kind k : values()) {
      if (k.wireName().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("no outbox kind " + name);
  }
}
