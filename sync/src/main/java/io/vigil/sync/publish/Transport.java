package io.vigil.sync.publish;

import java.util.concurrent.CompletionStage;

/**
 * What {@link OutboxPublisher} needs of the MQTT link: a QoS 1 publish, not retained, and whether
 * the link is up; the link's own futures are adapted with {@code toCompletionStage()}.
 */
public interface Transport {

  /**
   * Publishes {@code payload} on {@code topic} at QoS 1; the stage completes when the broker's
   * PUBACK came and fails at once while the link is down.
   */
  CompletionStage<Void> publish(String topic, byte[] payload);

  /** Whether the link is connected now, so that a publish may succeed. */
  boolean connected();
}
