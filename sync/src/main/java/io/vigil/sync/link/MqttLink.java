package io.vigil.sync.link;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * The MQTT 5 transport to the manufacturer's broker: one connection, QoS 1, kept up by its own
 * reconnect loop; it stores nothing, so a caller keeps each message until its publish succeeds.
 */
public interface MqttLink {

  /** A link that does nothing until {@link #start()}; it checks the TLS files at once. */
  static MqttLink create(Vertx vertx, LinkOptions options) {
    return PahoLink.create(vertx, options);
  }

  /** Starts connecting in the background, retrying with backoff until {@link #close()}. */
  Future<Void> start();

  /**
   * Completes when the link is connected for the first time; fails only when it is closed first.
   */
  Future<Void> connected();

  /** Whether the link is connected now. */
  boolean isConnected();

  /** Called on the link's context each time the link is connected (again). */
  MqttLink upHandler(Handler<Void> handler);

  /** Called on the link's context with why a connection was lost or an attempt failed. */
  MqttLink downHandler(Handler<LinkException> handler);

  /**
   * Publishes with QoS 1, completing on the broker's PUBACK; fails at once with {@code
   * NOT_CONNECTED} while the link is down.
   */
  Future<Void> publish(String topic, byte[] payload, boolean retained);

  /**
   * Subscribes with QoS 1, now and after every reconnect, completing on the first SUBACK (the first
   * connection's, while down); the handler runs on the link's context, and what it throws is
   * logged, never passed to the connection (Paho issue 549). Paho acknowledges a message once it is
   * handed over, before the handler has run.
   */
  Future<Void> subscribe(String topicFilter, Handler<Message> handler);

  /**
   * Ends the subscription to {@code topicFilter} if {@code handler} is still the one it hands
   * messages to (a later {@code subscribe} to the same filter replaced it otherwise): it is not
   * renewed on a reconnect any more, and an UNSUBSCRIBE is sent now when the link is up. Completes
   * once it is forgotten, without waiting for the broker's UNSUBACK.
   */
  Future<Void> unsubscribe(String topicFilter, Handler<Message> handler);

  /** Publishes the retained {@code offline} status, disconnects cleanly and releases the client. */
  Future<Void> close();
}
