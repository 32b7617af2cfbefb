package io.vigil.sync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Mosquitto (Debian's {@code /usr/sbin/mosquitto}) as a subprocess with a TLS listener that
 * requires client certificates and offers no topic aliases; check {@link #available()} first
 * (through {@link Tools#require}).
 */
public final class Mosquitto implements AutoCloseable {

  /** Where Debian's package puts the broker. */
  public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

  private final int port;
  private final Process process;

  private Mosquitto(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Whether the broker is installed. */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts Mosquitto presenting the PKI's server certificate, with its files under the directory.
   */
  public static Mosquitto start(Path dir, TestPki pki, TestPki.Server server) {
    return start(dir, pki, server, 0);
  }

  /**
   * Starts Mosquitto offering 10 topic aliases, as it does by default: not how Vigil's broker must
   * be configured, but what the link must survive.
   */
  public static Mosquitto startOfferingTopicAliases(Path dir, TestPki pki) {
    return start(dir, pki, TestPki.Server.GOOD, 10);
  }

  private static Mosquitto start(Path dir, TestPki pki, TestPki.Server server, int topicAliases) {
    int port = Ports.free();
    try {
      Files.createDirectories(dir);
      // Run as root, the broker drops to the mosquitto user before it reads its files
      // (FIELD-NOTES):
      // "user root" keeps it from dropping, which only a throwaway test broker may do.
      String config =
          """
          per_listener_settings false
          persistence false
          log_dest stderr
          log_type error
          log_type warning
          user root
          listener %d 127.0.0.1
          max_topic_alias %d
          cafile %s
          certfile %s
          keyfile %s
          require_certificate true
          use_identity_as_username true
          """
              .formatted(
                  port, topicAliases, pki.caPem(), pki.serverPem(server), pki.serverKey(server));
      Path conf = dir.resolve("mosquitto.conf");
      Files.writeString(conf, config);
      Process process =
          new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("mosquitto.log").toFile())
              .start();
      try {
        Ports.awaitListening(port, Duration.ofSeconds(10));
      } catch (IllegalStateException e) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "mosquitto did not listen: " + Files.readString(dir.resolve("mosquitto.log")), e);
      }
      return new Mosquitto(port, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code ssl://localhost:port}. */
  public String tlsUri() {
    return "ssl://localhost:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
