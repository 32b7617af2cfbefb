package io.vigil.gateway.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vigil.gateway.config.LimitsConfig;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One verticle's watch over its connections: none beyond {@code server.limits.max-connections}
 * across the server, each request delivered whole within {@code request-timeout}, and headers no
 * larger than {@code max-header-bytes}, so that slow or numerous clients cannot starve devices.
 *
 * <p>An HTTP/1 connection has one deadline at a time: from when it opens, or its previous answer
 * was sent, until its next request has arrived whole. When the deadline passes, a request whose
 * headers arrived but whose body has not is answered 408; the connection is then closed (before the
 * headers, the server has nothing it could answer). Vert.x tells a handler of a request only once
 * its headers are complete, so the deadline is counted per connection, not per request. An HTTP/2
 * stream has its own deadline from its headers; the connection is left to {@code idle-timeout}.
 *
 * <p>Its handlers run on the verticle's event loop, so its state needs no lock; only the count of
 * connections is shared.
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final LimitsConfig config;
  private final Limits limits;
  private final long timeoutMillis;
  private final Map<HttpConnection, Watch> watches = new IdentityHashMap<>();

  ConnectionGuard(Vertx vertx, Limits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.config = limits.config();
    this.timeoutMillis = config.requestTimeout().toMillis();
  }

  /** The server options that carry these limits. */
  HttpServerOptions apply(HttpServerOptions options) {
    return options
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize((int) config.maxHeaderBytes());
  }

  /** The server's connection handler: counts a new connection, or closes it when over the limit. */
  void connected(HttpConnection connection) {
    int open = limits.connectionCount().incrementAndGet();
    Watch watch = new Watch(connection);
    connection.closeHandler(v -> closed(watch));
    if (config.maxConnections() > 0 && open > config.maxConnections()) {
      watch.closed = true;
      connection.close();
      return;
    }
    watches.put(connection, watch);
    arm(watch);
  }

  /** The router's first handler: follows the request on its connection's deadline. */
  void request(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Watch watch = watches.get(request.connection());
    if (watch == null) {
      ctx.next();
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      // Streams share the connection: each has its own deadline, the connection none.
      disarm(watch);
      long timer = vertx.setTimer(timeoutMillis, id -> streamLate(ctx));
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
      ctx.next();
      return;
    }
    watch.current = ctx;
    ctx.addEndHandler(
        v -> {
          watch.current = null;
          arm(watch);
        });
    ctx.next();
  }

  /**
   * The server's handler of requests the HTTP codec could not read: headers over the limit get 431,
   * a request line too long 414, anything else 400, each with an error that says why; the
   * connection is closed after the answer.
   */
  void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message =
          "request headers are larger than the limit of "
              + config.maxHeaderBytes()
              + " bytes (server.limits.max-header-bytes)";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message =
          "request line is longer than the limit of "
              + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH
              + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request" + (cause == null ? "" : ": " + cause.getMessage());
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(OipEncoder.error(message))
        .onComplete(v -> request.connection().close());
  }

  private void closed(Watch watch) {
    limits.connectionCount().decrementAndGet();
    watch.closed = true;
    disarm(watch);
    watches.remove(watch.connection);
  }

  private void arm(Watch watch) {
    disarm(watch);
    if (!watch.closed) {
      watch.timer = vertx.setTimer(timeoutMillis, id -> late(watch));
    }
  }

  private void disarm(Watch watch) {
    if (watch.timer >= 0) {
      vertx.cancelTimer(watch.timer);
      watch.timer = -1;
    }
  }

  private void late(Watch watch) {
    watch.timer = -1;
    RoutingContext ctx = watch.current;
    if (ctx != null && ctx.request().isEnded()) {
      // Arrived whole and being answered; the answer's end starts the next deadline.
      return;
    }
    if (ctx == null || ctx.response().headWritten()) {
      watch.connection.close();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    HttpErrors.respond(ctx, 408, lateMessage("the connection is closed"))
        .onComplete(v -> watch.connection.close());
  }

  private void streamLate(RoutingContext ctx) {
    if (!ctx.request().isEnded() && !ctx.response().headWritten()) {
      HttpErrors.respond(ctx, 408, lateMessage("the stream is ended"));
    }
  }

  private String lateMessage(String consequence) {
    return "the request did not arrive whole within "
        + timeoutMillis
        + " ms (server.limits.request-timeout); "
        + consequence;
  }

  /** One connection's deadline and the request it is reading, if any. */
  private static final class Watch {
    private final HttpConnection connection;
    private RoutingContext current;
    private long timer = -1;
    private boolean closed;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }
  }
}
