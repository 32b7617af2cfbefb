package io.vigil.sync.chunks;

/** Sends one message to the broker: what {@link ChunkPublisher} needs of an MQTT link. */
@FunctionalInterface
public interface Publish {

  /**
   * Publishes {@code payload} on {@code topic}; an empty retained payload clears the topic's
   * retained message.
   */
  void publish(String topic, byte[] payload, boolean retained);
}
