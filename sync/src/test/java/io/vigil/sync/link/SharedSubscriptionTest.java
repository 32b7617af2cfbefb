package io.vigil.sync.link;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vigil.sync.testing.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two links on one MQTT 5 shared subscription: the broker splits the messages between them. */
@ExtendWith(VertxExtension.class)
class SharedSubscriptionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FILTER = "$share/watchers/vigil/v1/f/+/summary";

  @TempDir Path dir;
  private final List<MqttLink> links = new ArrayList<>();

  @AfterEach
  void closeLinks() {
    links.forEach(link -> Await.result(link.close(), WAIT));
  }

  @Test
  void twoSubscribersOfOneShareTogetherGetEveryMessageOnce(Vertx vertx) throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("hivemq"))) {
      ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> second = new ConcurrentLinkedQueue<>();
      MqttLink a = started(vertx, broker, "watcher-a");
      MqttLink b = started(vertx, broker, "watcher-b");
      List<MqttLink> publishers = new ArrayList<>();
      for (int g = 0; g < 5; g++) {
        publishers.add(started(vertx, broker, "gw-" + g));
      }
      Await.result(a.subscribe(FILTER, m -> first.add(new String(m.payload(), UTF_8))), WAIT);
      Await.result(b.subscribe(FILTER, m -> second.add(new String(m.payload(), UTF_8))), WAIT);

      // Several gateways publishing at once, as a fleet does, rather than one message at a time.
      Set<String> sent = new HashSet<>();
      List<Future<Void>> published = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String payload = "m" + i;
        sent.add(payload);
        published.add(
            publishers
                .get(i % 5)
                .publish("vigil/v1/f/gw-" + (i % 5) + "/summary", payload.getBytes(UTF_8), false));
      }
      Await.result(Future.all(published), WAIT);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (first.size() + second.size() < sent.size() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      assertEquals(sent, new HashSet<>(all));
      assertEquals(sent.size(), all.size(), "none twice");
      // How a broker splits a share is its policy: HiveMQ CE hands each message to a member with
      // room in its window, so a member that keeps up may be given a whole burst.
      System.out.println("shared subscription split: " + first.size() + " / " + second.size());
    }
  }

  private MqttLink started(Vertx vertx, EmbeddedBroker broker, String clientId) {
    MqttLink link =
        MqttLink.create(
            vertx,
            LinkOptions.plain(broker.tcpUri(), clientId, "vigil/v1/f/" + clientId + "/status"));
    links.add(link);
    link.start();
    Await.result(link.connected(), WAIT);
    return link;
  }
}
