package io.vigil.sync.chunks;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What the repository's topics need of an MQTT link: the retained payloads it holds and a way to
 * subscribe. The link keeps the last retained payload of every {@link Topics#metadataFilter} topic;
 * a subscription makes the broker send again the retained messages its filters match.
 */
public interface RepoFeed {

  /** The retained payload last seen on {@code topic}, or empty if none (or an empty one) was. */
  Optional<byte[]> retained(String topic);

  /**
   * Subscribes to {@code filters} (one SUBSCRIBE), handing each message that arrives, retained or
   * not, to {@code receiver} (topic, payload) on the link's thread, until the subscription closes.
   * The receiver may block that thread while its reader catches up (back-pressure), so it must not
   * be an event loop.
   */
  Subscription subscribe(List<String> filters, BiConsumer<String, byte[]> receiver);

  /** A live subscription; closing it unsubscribes. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
