package io.vigil.sync.link;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Two links on one MQTT 5 shared subscription split the messages between them. */
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
  void twoSubscribersOfOneShareEachGetSomeAndTogetherAllOnce(Vertx vertx) throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("hivemq"))) {
      ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> second = new ConcurrentLinkedQueue<>();
      MqttLink a = started(vertx, broker, "watcher-a");
      MqttLink b = started(vertx, broker, "watcher-b");
      MqttLink publisher = started(vertx, broker, "gateway");
      Await.result(a.subscribe(FILTER, m -> first.add(new String(m.payload(), UTF_8))), WAIT);
      Await.result(b.subscribe(FILTER, m -> second.add(new String(m.payload(), UTF_8))), WAIT);
      Await.result(publisher.connected(), WAIT);

      Set<String> sent = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        String payload = "m" + i;
        sent.add(payload);
        Await.result(
            publisher.publish(
                "vigil/v1/f/gw-" + (i % 7) + "/summary", payload.getBytes(UTF_8), false),
            WAIT);
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (first.size() + second.size() < sent.size() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      assertEquals(sent, new HashSet<>(all));
      assertEquals(sent.size(), all.size(), "none twice");
      assertTrue(!first.isEmpty() && !second.isEmpty(), first.size() + " / " + second.size());
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
