package io.vigil.sync.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vigil.sync.testing.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class BrokerLifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Paho's own reconnect never retries a first connect that failed (issue 930); ours does. */
  @Test
  void connectsByItselfOnceTheBrokerStartsAfterAFailedFirstConnect(Vertx vertx, @TempDir Path dir)
      throws InterruptedException {
    try (EmbeddedBroker broker = EmbeddedBroker.notStarted(dir)) {
      MqttLink link = link(vertx, broker);
      BlockingQueue<LinkException> downs = new LinkedBlockingQueue<>();
      link.downHandler(downs::add);
      link.start();
      LinkException first = downs.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(LinkException.Code.UNREACHABLE, first.code());
      assertFalse(link.isConnected());

      broker.begin();
      long begin = System.nanoTime();
      Await.result(link.connected(), WAIT);
      System.out.println(
          "HiveMQ CE started in "
              + broker.startMillis()
              + " ms; link up "
              + (System.nanoTime() - begin) / 1_000_000
              + " ms after");
      Await.result(link.publish("lifecycle/first", new byte[] {1}, false), WAIT);
      Await.result(link.close(), WAIT);
    }
  }

  @Test
  void reconnectsAfterTheBrokerRestarts(Vertx vertx, @TempDir Path dir)
      throws InterruptedException {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir)) {
      MqttLink link = link(vertx, broker);
      List<LinkException> downs = new CopyOnWriteArrayList<>();
      BlockingQueue<Long> ups = new LinkedBlockingQueue<>();
      link.downHandler(downs::add).upHandler(v -> ups.add(System.nanoTime()));
      link.start();
      Await.result(link.connected(), WAIT);
      ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS);

      long begin = System.nanoTime();
      broker.restart();
      Long up = ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(up != null, "up again");
      System.out.println(
          "broker restarted in "
              + broker.startMillis()
              + " ms; link up "
              + (up - begin) / 1_000_000
              + " ms after the restart began");
      assertEquals(LinkException.Code.CONNECTION_LOST, downs.get(0).code());
      Await.result(link.publish("lifecycle/after-restart", new byte[] {1}, false), WAIT);
      Await.result(link.close(), WAIT);
    }
  }

  private static MqttLink link(Vertx vertx, EmbeddedBroker broker) {
    return MqttLink.create(
        vertx,
        LinkOptions.plain(broker.tcpUri(), "lifecycle", "lifecycle/status")
            .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(1)));
  }
}
