package io.vigil.sync.chunks;

import io.vertx.core.Handler;
import io.vigil.sync.link.Message;
import io.vigil.sync.link.MqttLink;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The gateway's {@link RepoFeed} over its {@link MqttLink}: one subscription to {@link
 * Topics#metadataFilter}, renewed by the link on every connect (so the broker sends the retained
 * metadata again), whose payloads are kept as they arrive; and the subscriptions an {@link
 * MqttSource} asks for, each message handed to its receiver on the feed's own thread, {@value
 * #THREAD}, never on the link's context: the receiver may block that thread while its reader
 * catches up. Closing a subscription unsubscribes its filters, so a finished download is not sent
 * again on the next reconnect.
 *
 * <p>Paho acknowledges a message as soon as the link has it, so a slow reader does not slow the
 * broker down: what waits for the feed's thread is at most the retained chunks of the target being
 * fetched, which the signed length of that target bounds.
 */
public final class LinkFeed implements RepoFeed, AutoCloseable {

  /** The thread that hands subscriptions' messages to their receivers. */
  public static final String THREAD = "vigil-link-feed";

  private static final Logger LOG = System.getLogger(LinkFeed.class.getName());

  private final MqttLink link;
  private final Topics topics;
  private final BiConsumer<String, byte[]> onMetadata;
  private final Map<String, byte[]> retained = new ConcurrentHashMap<>();
  private final ExecutorService deliverer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
          });
  private final Handler<Message> metadataHandler = this::metadata;

  private LinkFeed(MqttLink link, Topics topics, BiConsumer<String, byte[]> onMetadata) {
    this.link = link;
    this.topics = topics;
    this.onMetadata = onMetadata;
  }

  /**
   * A feed of the repository on {@code topics} over {@code link}, subscribed to its metadata now
   * (the link may still be connecting). {@code onMetadata} is told each metadata message (topic,
   * payload; empty when the topic was cleared) after it was kept, on the link's context: it must
   * not block.
   */
  public static LinkFeed open(MqttLink link, Topics topics, BiConsumer<String, byte[]> onMetadata) {
    LinkFeed feed = new LinkFeed(link, topics, onMetadata);
    link.subscribe(topics.metadataFilter(), feed.metadataHandler)
        .onFailure(
            e -> LOG.log(Level.WARNING, "subscription to " + topics.metadataFilter() + ": " + e));
    return feed;
  }

  /** A feed of the repository on {@code topics} over {@code link}, telling no one. */
  public static LinkFeed open(MqttLink link, Topics topics) {
    return open(link, topics, (t, p) -> {});
  }

  private void metadata(Message m) {
    if (m.payload().length == 0) {
      retained.remove(m.topic());
    } else {
      retained.put(m.topic(), m.payload());
    }
    onMetadata.accept(m.topic(), m.payload());
  }

  /**
   * Waits until the metadata file {@code name} (e.g. {@code timestamp.json}) has a retained
   * payload, at most {@code timeout}; whether it has. Blocking: never on an event loop.
   */
  public boolean awaitMetadata(String name, Duration timeout) throws InterruptedException {
    String topic = topics.metadata(name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!retained.containsKey(topic)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Override
  public Optional<byte[]> retained(String topic) {
    return Optional.ofNullable(retained.get(topic)).map(byte[]::clone);
  }

  /**
   * Subscribes to {@code filters} without waiting for the broker's SUBACK (an {@link MqttSource}
   * that hears nothing asks again); {@code receiver} runs on {@value #THREAD}.
   */
  @Override
  public Subscription subscribe(List<String> filters, BiConsumer<String, byte[]> receiver) {
    AtomicBoolean open = new AtomicBoolean(true);
    Handler<Message> handler =
        m -> {
          if (!open.get()) {
            return;
          }
          try {
            deliverer.execute(
                () -> {
                  if (open.get()) {
                    receiver.accept(m.topic(), m.payload());
                  }
                });
          } catch (java.util.concurrent.RejectedExecutionException e) {
            // The feed is closed.
          }
        };
    List<String> subscribed = new ArrayList<>(filters.size());
    for (String filter : filters) {
      link.subscribe(filter, handler)
          .onFailure(e -> LOG.log(Level.DEBUG, "subscription to " + filter + ": " + e));
      subscribed.add(filter);
    }
    return () -> {
      if (open.getAndSet(false)) {
        subscribed.forEach(f -> link.unsubscribe(f, handler));
      }
    };
  }

  /** Unsubscribes from the metadata and stops the feed's thread. */
  @Override
  public void close() {
    link.unsubscribe(topics.metadataFilter(), metadataHandler);
    deliverer.shutdownNow();
  }
}
