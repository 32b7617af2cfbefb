package io.vigil.sync.testing;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * HiveMQ CE in the test JVM: a plain listener, and with a {@link TestPki} one TLS listener per
 * server certificate, each requiring client certificates; in-memory persistence and, as Vigil's
 * link needs (see {@code LinkOptions}), no topic aliases.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Map<TestPki.Server, Integer> tlsPorts = new EnumMap<>(TestPki.Server.class);
  private boolean topicAliases;
  private EmbeddedHiveMQ hivemq;
  private long startMillis;

  private EmbeddedBroker(Path dir) {
    this.dir = dir;
    this.port = Ports.free();
  }

  /** Starts a broker with a plain listener, its folders under the directory. */
  public static EmbeddedBroker start(Path dir) {
    return start(dir, null);
  }

  /**
   * Starts a broker with a plain listener that offers topic aliases, as HiveMQ and Mosquitto do by
   * default: not how Vigil's broker must be configured, but what the link must survive.
   */
  public static EmbeddedBroker startOfferingTopicAliases(Path dir) {
    EmbeddedBroker broker = new EmbeddedBroker(dir);
    broker.topicAliases = true;
    broker.writeConfig(null);
    broker.startNow();
    return broker;
  }

  /** A broker with a plain listener whose port is chosen but that is not started yet. */
  public static EmbeddedBroker notStarted(Path dir) {
    EmbeddedBroker broker = new EmbeddedBroker(dir);
    broker.writeConfig(null);
    return broker;
  }

  /** Starts a broker made by {@link #notStarted}, or stopped. */
  public void begin() {
    if (hivemq == null) {
      startNow();
    }
  }

  /** Starts a broker with a plain listener and the TLS listeners of the PKI. */
  public static EmbeddedBroker startWithTls(Path dir, TestPki pki) {
    return start(dir, pki);
  }

  private static EmbeddedBroker start(Path dir, TestPki pki) {
    EmbeddedBroker broker = new EmbeddedBroker(dir);
    if (pki != null) {
      for (TestPki.Server server : TestPki.Server.values()) {
        broker.tlsPorts.put(server, Ports.free());
      }
    }
    broker.writeConfig(pki);
    broker.startNow();
    return broker;
  }

  /** {@code tcp://127.0.0.1:port}. */
  public String tcpUri() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code ssl://localhost:port} of the listener that presents this certificate. */
  public String tlsUri(TestPki.Server server) {
    Integer tls = tlsPorts.get(server);
    if (tls == null) {
      throw new IllegalStateException("broker started without TLS");
    }
    return "ssl://localhost:" + tls;
  }

  /** How long the last start took. */
  public long startMillis() {
    return startMillis;
  }

  /** Stops the broker and starts it again on the same ports, keeping its data folder. */
  public void restart() {
    stop();
    startNow();
  }

  /** Stops the broker; {@link #restart()} or {@link #close()} after. */
  public void stop() {
    if (hivemq != null) {
      try {
        hivemq.stop().get();
        hivemq.close();
      } catch (Exception e) {
        throw new IllegalStateException("broker did not stop", e);
      } finally {
        hivemq = null;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void startNow() {
    long begin = System.nanoTime();
    hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(dir.resolve("conf"))
            .withDataFolder(dir.resolve("data"))
            .withExtensionsFolder(dir.resolve("extensions"))
            .build();
    try {
      hivemq.start().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("broker did not start", e.getCause());
    }
    startMillis = (System.nanoTime() - begin) / 1_000_000;
  }

  private void writeConfig(TestPki pki) {
    StringBuilder listeners = new StringBuilder();
    listeners.append(
        "    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>\n"
            .formatted(port));
    tlsPorts.forEach(
        (server, tls) ->
            listeners.append(
                """
                    <tls-tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                      <tls>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                        <truststore>
                          <path>%s</path>
                          <password>%s</password>
                        </truststore>
                        <client-authentication-mode>REQUIRED</client-authentication-mode>
                      </tls>
                    </tls-tcp-listener>
                """
                    .formatted(
                        tls,
                        pki.serverKeyStore(server),
                        TestPki.STORE_PASSWORD,
                        TestPki.STORE_PASSWORD,
                        pki.trustStore(),
                        TestPki.STORE_PASSWORD)));
    String config =
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
        %s  </listeners>
          <mqtt>
            <topic-alias>
              <enabled>%s</enabled>
              <max-per-client>5</max-per-client>
            </topic-alias>
          </mqtt>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(listeners, topicAliases);
    try {
      Files.createDirectories(dir.resolve("conf"));
      Files.createDirectories(dir.resolve("data"));
      Files.createDirectories(dir.resolve("extensions"));
      Files.writeString(dir.resolve("conf/config.xml"), config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
