package io.vigil.sync.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.sync.link.LinkException.Code;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/** Paho's publish failures as the link's codes: what the outbox keeps and sends again. */
class FailuresTest {

  @Test
  void aPublishThatRacedTheConnectionsLossWasNotSent() {
    assertEquals(Code.CONNECTION_LOST, Failures.ofPublish(new MqttException(32109)).code());
    assertEquals(Code.NOT_CONNECTED, Failures.ofPublish(new MqttException(32104)).code());
    // "Client is currently disconnecting", seen once under load in MqttLinkTest.
    assertEquals(Code.NOT_CONNECTED, Failures.ofPublish(new MqttException(32102)).code());
    assertEquals(Code.NOT_ACKNOWLEDGED, Failures.ofPublish(new MqttException(32000)).code());
  }
}
