package io.vigil.gateway.cli;

import io.vertx.core.Future;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.sync.chunks.ChunkPublisher;
import io.vigil.sync.chunks.Publish;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.link.MqttLink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil repo publish}: puts a repository on the fleet's broker as retained messages, every
 * target's chunks first and the timestamp last, and returns once the broker acknowledged them all.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Publish a repository to the fleet's MQTT broker: every metadata file and every listed"
            + " target's chunks, retained, the timestamp last; it returns once the broker"
            + " acknowledged each one. Run it again after each vigil repo add or timestamp.")
final class RepoPublishCommand implements Callable<Integer> {

  /** Publishes in flight at once: enough to fill a link, few enough to bound the memory held. */
  static final int IN_FLIGHT = 32;

  private static final Duration PUBACK_TIMEOUT = Duration.ofMinutes(2);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The repository directory.")
  Path dir;

  @Mixin BrokerOptions brokerOptions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Topics topics;
    try {
      topics = Topics.of(brokerOptions.fleet);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(Code.CONFIG_INVALID, "--fleet: " + e.getMessage());
    }
    String clientId = "vigil-publisher-" + brokerOptions.fleet;
    try (BrokerSession session =
        BrokerSession.connect(
            brokerOptions.link(clientId, Optional.empty()), brokerOptions.connectTimeout())) {
      long begin = System.nanoTime();
      Window window = new Window(session.link());
      ChunkPublisher.Summary summary = ChunkPublisher.create(topics).publish(dir, window);
      window.drain(session);
      double seconds = (System.nanoTime() - begin) / 1e9;
      out.printf(
          Locale.ROOT,
          "published %s to %s as %s: %d metadata file(s), %d target(s) in %d chunk(s),"
              + " %d target bytes, %d message(s) cleared%n",
          dir,
          brokerOptions.broker,
          topics,
          summary.metadataFiles(),
          summary.targets(),
          summary.chunks(),
          summary.bytes(),
          summary.cleared());
      out.printf(
          Locale.ROOT,
          "%d message(s) acknowledged in %.2f s: %.1f MB/s of target bytes%n",
          window.sent.get(),
          seconds,
          summary.bytes() / 1e6 / seconds);
      return 0;
    }
  }

  /** QoS 1 publishes with at most {@link #IN_FLIGHT} unacknowledged, the first failure kept. */
  private static final class Window implements Publish {
    private final MqttLink link;
    private final Semaphore free = new Semaphore(IN_FLIGHT);
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Window(MqttLink link) {
      this.link = link;
    }

    @Override
    public void publish(String topic, byte[] payload, boolean retained) {
      if (failure.get() != null) {
        return;
      }
      free.acquireUninterruptibly();
      Future<Void> published = link.publish(topic, payload, retained);
      published.onComplete(
          r -> {
            if (r.succeeded()) {
              sent.incrementAndGet();
            } else {
              failure.compareAndSet(null, r.cause());
            }
            free.release();
          });
    }

    void drain(BrokerSession session) {
      try {
        if (!free.tryAcquire(IN_FLIGHT, PUBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw session.unavailable(
              "waiting for PUBACKs: none after " + PUBACK_TIMEOUT.toSeconds() + " s", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GatewayException(Code.UNAVAILABLE, "publishing was interrupted");
      }
      Throwable failed = failure.get();
      if (failed != null) {
        throw session.unavailable(
            "publishing stopped after "
                + sent.get()
                + " acknowledged message(s) (run it again: retained messages are replaced)",
            failed);
      }
    }
  }
}
