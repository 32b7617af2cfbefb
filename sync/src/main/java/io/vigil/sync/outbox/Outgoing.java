package io.vigil.sync.outbox;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A message to be stored in the outbox.
 *
 * @param kind a summary or an event ({@link Kind#DROPPED} is the outbox's own)
 * @param topicSuffix the topic under the gateway's, such as {@code summary} or {@code events}
 * @param payload the message body, stored as given (the caller's canonical JSON)
 * @param priority whether the full-outbox policy may drop it
 */
public record Outgoing(Kind kind, String topicSuffix, byte[] payload, Priority priority) {

  // Topic levels without MQTT wildcards, empty levels or characters a broker may refuse.
  private static final Pattern TOPIC_SUFFIX = Pattern.compile("[a-z0-9_-]+(/[a-z0-9_-]+)*");

  /** The longest topic suffix accepted. */
  public static final int MAX_TOPIC_SUFFIX_LENGTH = 64;

  public Outgoing {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(priority, "priority");
    if (kind == Kind.DROPPED) {
      throw new IllegalArgumentException("outbox.dropped rows are written by the outbox only");
    }
    if (topicSuffix.length() > MAX_TOPIC_SUFFIX_LENGTH
        || !TOPIC_SUFFIX.matcher(topicSuffix).matches()) {
      throw new IllegalArgumentException(
          "topic suffix '"
              + topicSuffix
              + "' must be lower-case levels of [a-z0-9_-] separated by '/', at most "
              + MAX_TOPIC_SUFFIX_LENGTH
              + " characters");
    }
    if (payload.length == 0) {
      throw new IllegalArgumentException("payload is empty");
    }
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
