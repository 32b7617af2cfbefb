package io.vigil.sync.publish;

import io.vigil.sync.outbox.Kind;

/**
 * What {@link OutboxPublisher} tells whoever meters it, so that {@code sync} depends on no metrics
 * library; every method is called on the publisher's thread and must return at once.
 */
public interface PublishListener {

  /** A listener that ignores everything. */
  PublishListener NONE = new PublishListener() {};

  /**
   * Row {@code seq} of {@code kind} was handed to the transport ({@code bytes} signed); resends
   * count.
   */
  default void published(long seq, Kind kind, int bytes) {}

  /**
   * Row {@code seq}'s PUBACK came {@code nanos} after it was published, and the row was deleted.
   */
  default void acked(long seq, Kind kind, long nanos) {}

  /** Publishing row {@code seq} failed (link down, no PUBACK in time); it stays unsent. */
  default void failed(long seq, Kind kind, Throwable cause) {}

  /** The outbox holds {@code rows} unsent rows: told on every poll and whenever it is drained. */
  default void backlog(long rows) {}

  /**
   * Row {@code seq} cannot be signed (its body is not canonical JSON of an object): a bug in what
   * appended it. It is skipped, told once, and stays in the outbox, never deleted without a PUBACK.
   */
  default void unsendable(long seq, Kind kind) {}
}
