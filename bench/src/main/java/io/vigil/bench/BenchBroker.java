package io.vigil.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The MQTT 5 broker that gateways with the link on publish to during a comparison: Debian's
 * Mosquitto as its own process (a C broker, its CPU neither the gateway's nor the harness's), plain
 * TCP on loopback, plus a subscriber on {@code vigil/#} that counts what arrives by topic.
 */
final class BenchBroker implements AutoCloseable {

  /** Where Debian's package puts the broker; {@code bench/run} installs it when missing. */
  static final Path BINARY = Path.of("/usr/sbin/mosquitto");

  /** The fleet of the benchmark's gateways: their topics' second level. */
  static final String FLEET = "bench";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final MqttClient subscriber;
  private final Map<String, Long> received = new TreeMap<>();

  private BenchBroker(Process process, int port, MqttClient subscriber) {
    this.process = process;
    this.port = port;
    this.subscriber = subscriber;
  }

  /** Starts the broker with its configuration and log under {@code dir}, then its subscriber. */
  static BenchBroker start(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          "the MQTT link needs Mosquitto at " + BINARY + ": apt-get install -y mosquitto");
    }
    int port = freePort();
    Files.createDirectories(dir);
    // "user root" keeps a broker started as root from dropping to the mosquitto user, which
    // cannot read this folder; no topic aliases, as Vigil's broker is meant to be configured.
    String config =
        """
        per_listener_settings false
        persistence false
        log_dest stderr
        log_type error
        log_type warning
        user root
        listener %d 127.0.0.1
        allow_anonymous true
        max_topic_alias 0
        """
            .formatted(port);
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(conf, config);
    Process process =
        new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    try {
      awaitListening(process, port);
      MqttClient subscriber;
      try {
        subscriber = new MqttClient(uri(port), "vigil-bench-counter", new MemoryPersistence());
      } catch (MqttException e) {
        throw new IOException("cannot create the counting subscriber", e);
      }
      BenchBroker broker = new BenchBroker(process, port, subscriber);
      broker.subscribe();
      return broker;
    } catch (IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** {@code tcp://127.0.0.1:port}, as {@code sync.broker} takes it. */
  String uri() {
    return uri(port);
  }

  /** Messages received so far on each topic under {@code vigil/}, by topic. */
  synchronized Map<String, Long> received() {
    return new TreeMap<>(received);
  }

  /** Messages received so far on topics that end in {@code /suffix}. */
  synchronized long received(String suffix) {
    return received.entrySet().stream()
        .filter(e -> e.getKey().endsWith("/" + suffix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  @Override
  public void close() {
    try {
      if (subscriber.isConnected()) {
        subscriber.disconnect(1_000);
      }
      subscriber.close(true);
    } catch (MqttException e) {
      System.err.println("bench: closing the counting subscriber: " + e.getMessage());
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void subscribe() throws IOException {
    subscriber.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            synchronized (BenchBroker.this) {
              received.merge(topic, 1L, Long::sum);
            }
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {
            System.err.println("bench: the counting subscriber lost the broker: " + response);
          }

          @Override
          public void mqttErrorOccurred(MqttException e) {
            System.err.println("bench: the counting subscriber: " + e.getMessage());
          }

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverUri) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    try {
      subscriber.connect(options);
      subscriber.subscribe("vigil/#", 1);
    } catch (MqttException e) {
      throw new IOException("the counting subscriber cannot subscribe at " + uri(), e);
    }
  }

  private static String uri(int port) {
    return "tcp://127.0.0.1:" + port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(Process process, int port)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("mosquitto exited with " + process.exitValue() + " (see its log)");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IOException("mosquitto is not listening on " + port + " after " + START_TIMEOUT);
  }
}
