package io.vigil.sync.link;

import java.util.Objects;

/** A message the link received on a subscription. */
public record Message(String topic, byte[] payload, boolean retained, boolean duplicate) {

  public Message {
    Objects.requireNonNull(topic, "topic");
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
