package io.vigil.gateway.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.sync.link.LinkException;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link MqttLink} for a manufacturer's command, waited on from the command's own thread: the
 * link keeps retrying a broker it cannot reach, a command gives up after its connect timeout and
 * says why the last attempt failed.
 */
final class BrokerSession implements AutoCloseable {

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final MqttLink link;
  private final LinkOptions options;
  private final AtomicReference<LinkException> lastFailure = new AtomicReference<>();

  private BrokerSession(Vertx vertx, MqttLink link, LinkOptions options) {
    this.vertx = vertx;
    this.link = link;
    this.options = options;
  }

  /** Connects a link with {@code options}, or fails once its connect timeout has passed. */
  static BrokerSession connect(LinkOptions options, Duration timeout) {
    Vertx vertx = Vertx.vertx();
    MqttLink link;
    try {
      link = MqttLink.create(vertx, options);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    BrokerSession session = new BrokerSession(vertx, link, options);
    link.downHandler(session.lastFailure::set);
    link.start();
    try {
      session.await(link.connected(), timeout, "connecting");
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  MqttLink link() {
    return link;
  }

  /** What {@code future} gives, or a {@link Code#BROKER_UNAVAILABLE} failure that says why not. */
  <T> T await(Future<T> future, Duration timeout, String doing) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, doing + " was interrupted");
    } catch (ExecutionException e) {
      throw unavailable(doing, e.getCause());
    } catch (TimeoutException e) {
      LinkException last = lastFailure.get();
      throw unavailable(doing + ": nothing after " + timeout.toSeconds() + " s", last);
    }
  }

  /** The failure a command ends with when the broker did not do what it was asked. */
  GatewayException unavailable(String doing, Throwable cause) {
    String why = cause == null ? "" : ": " + cause.getMessage();
    Code code =
        cause instanceof LinkException l && l.code() == LinkException.Code.TLS_FILES
            ? Code.KEY_UNUSABLE
            : Code.BROKER_UNAVAILABLE;
    return new GatewayException(
        code, "MQTT broker " + options.serverUri() + ", " + doing + why, cause);
  }

  @Override
  public void close() {
    try {
      link.close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Closing is best effort: the broker publishes the will if the link could not say offline.
    } finally {
      try {
        vertx
            .close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Vert.x's threads end with the process all the same.
      }
    }
  }
}
