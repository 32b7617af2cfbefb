package io.vigil.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;

/**
 * What the devices' servers share, whatever the binding they speak: the HTTP server a verticle
 * listens with, the connection guard that holds its connections to {@code server.limits}, and the
 * TLS options renewed on the open server.
 */
abstract class DeviceServerVerticle extends VerticleBase {

  private HttpServer server;
  private ConnectionGuard guard;

  /** Starts this verticle's connection guard over {@code limits}; once, from {@code start}. */
  final ConnectionGuard startGuard(Limits limits) {
    guard = new ConnectionGuard(vertx, limits);
    guard.start();
    return guard;
  }

  /** Keeps the server that {@code start} made listen. */
  final void listening(HttpServer server) {
    this.server = server;
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    return Future.succeededFuture();
  }

  /**
   * Applies new TLS options to the connections this verticle accepts from now on (a certificate or
   * revocation list read again).
   */
  public Future<Boolean> updateTls(ServerSSLOptions options) {
    Promise<Boolean> done = Promise.promise();
    context.runOnContext(v -> server.updateSSLOptions(options).onComplete(done));
    return done.future();
  }

  /** The port this verticle listens on. */
  public int actualPort() {
    return server.actualPort();
  }
}
