package io.vigil.sync.chunks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A fake of the network between the broker and a gateway: retained messages by topic, delivered on
 * a thread of their own when a subscription matches them, shuffled, some twice, and some lost the
 * first time they are sent (a gap that only a new subscription fills).
 */
final class InMemoryFeed implements RepoFeed, Publish, AutoCloseable {

  private final Map<String, byte[]> retained = new ConcurrentHashMap<>();
  private final Random random;
  private final ExecutorService link =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-mqtt-link"));
  private final Set<String> loseOnce = ConcurrentHashMap.newKeySet();
  private final Set<String> withheld = ConcurrentHashMap.newKeySet();

  /** Every topic sent to a subscriber, in order: what crossed the network. */
  final List<String> delivered = new CopyOnWriteArrayList<>();

  /** The filters of each SUBSCRIBE, in order. */
  final List<List<String>> subscriptions = new CopyOnWriteArrayList<>();

  double duplicateRate;

  InMemoryFeed(long seed) {
    this.random = new Random(seed);
  }

  @Override
  public void publish(String topic, byte[] payload, boolean retain) {
    if (!retain) {
      throw new UnsupportedOperationException("the repository's messages are all retained");
    }
    if (payload.length == 0) {
      retained.remove(topic);
    } else {
      retained.put(topic, payload.clone());
    }
  }

  /** The retained messages, sorted by topic. */
  Map<String, byte[]> retainedMessages() {
    return new TreeMap<>(retained);
  }

  /** Replaces the retained payload of {@code topic}, as someone with the broker's keys could. */
  void replace(String topic, byte[] payload) {
    retained.put(topic, payload);
  }

  /** The next subscription that matches {@code topic} does not get it; the one after does. */
  void loseOnce(String topic) {
    loseOnce.add(topic);
  }

  /** No subscription gets {@code topic} until {@link #release} (a broker that lost it). */
  void withhold(String topic) {
    withheld.add(topic);
  }

  void release() {
    withheld.clear();
  }

  @Override
  public Optional<byte[]> retained(String topic) {
    return Optional.ofNullable(retained.get(topic)).map(byte[]::clone);
  }

  @Override
  public Subscription subscribe(List<String> filters, BiConsumer<String, byte[]> receiver) {
    subscriptions.add(List.copyOf(filters));
    List<Map.Entry<String, byte[]>> matching = new ArrayList<>();
    retained.forEach(
        (topic, payload) -> {
          if (filters.stream().anyMatch(f -> matches(f, topic))) {
            matching.add(Map.entry(topic, payload));
          }
        });
    List<Map.Entry<String, byte[]>> sends = new ArrayList<>();
    synchronized (random) {
      Collections.shuffle(matching, random);
      for (Map.Entry<String, byte[]> m : matching) {
        if (withheld.contains(m.getKey()) || loseOnce.remove(m.getKey())) {
          continue;
        }
        sends.add(m);
        if (random.nextDouble() < duplicateRate) {
          sends.add(random.nextInt(sends.size() + 1), m);
        }
      }
    }
    AtomicBoolean open = new AtomicBoolean(true);
    link.execute(
        () -> {
          for (Map.Entry<String, byte[]> m : sends) {
            if (!open.get()) {
              return;
            }
            delivered.add(m.getKey());
            receiver.accept(m.getKey(), m.getValue().clone());
          }
        });
    return () -> open.set(false);
  }

  /** MQTT's topic filter match: {@code +} one level, {@code #} the rest. */
  static boolean matches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }

  @Override
  public void close() {
    link.shutdownNow();
  }
}
