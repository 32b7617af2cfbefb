package io.vigil.sync.outbox;

import java.time.Instant;

/**
 * An unsent row of the outbox, as {@link Outbox#next} returns it.
 *
 * @param seq the gateway's sequence number: monotonic, never reused
 * @param kind what it carries
 * @param topicSuffix the topic under the gateway's
 * @param priority whether the full-outbox policy may drop it
 * @param createdAt when it was appended
 * @param payload the body as appended
 */
public record Pending(
    long seq, Kind kind, String topicSuffix, Priority priority, Instant createdAt, byte[] payload) {

  public Pending {
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
