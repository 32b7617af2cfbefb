package io.vigil.gateway.cli;

import io.vigil.sync.chunks.RepoFeed;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.link.MqttLink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A gateway's {@link RepoFeed} over a real {@link MqttLink}: the retained metadata kept as it
 * arrives, and each subscription's messages handed over on a thread of its own, which the reader
 * may block (never the link's context).
 */
final class LinkFeed implements RepoFeed, AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final MqttLink link;
  private final Map<String, byte[]> retained = new ConcurrentHashMap<>();
  private final ExecutorService deliverer =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "link-feed"));

  private LinkFeed(MqttLink link) {
    this.link = link;
  }

  /** A feed of {@code topics} over {@code link}, once the timestamp's retained message is here. */
  static LinkFeed open(MqttLink link, Topics topics) throws Exception {
    LinkFeed feed = new LinkFeed(link);
    get(
        link.subscribe(
            topics.metadataFilter(),
            m -> {
              if (m.payload().length == 0) {
                feed.retained.remove(m.topic());
              } else {
                feed.retained.put(m.topic(), m.payload());
              }
            }));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!feed.retained.containsKey(topics.metadata("timestamp.json"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no retained timestamp after " + WAIT);
      }
      Thread.sleep(10);
    }
    return feed;
  }

  @Override
  public Optional<byte[]> retained(String topic) {
    return Optional.ofNullable(retained.get(topic)).map(byte[]::clone);
  }

  @Override
  public Subscription subscribe(List<String> filters, BiConsumer<String, byte[]> receiver) {
    AtomicBoolean open = new AtomicBoolean(true);
    for (String filter : filters) {
      get(
          link.subscribe(
              filter,
              m ->
                  deliverer.execute(
                      () -> {
                        if (open.get()) {
                          receiver.accept(m.topic(), m.payload());
                        }
                      })));
    }
    return () -> open.set(false);
  }

  @Override
  public void close() {
    deliverer.shutdownNow();
  }

  private static <T> T get(io.vertx.core.Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the link did not: " + e, e);
    }
  }
}
