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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One verticle's watch over its connections: none beyond {@code server.limits.max-connections}
 * across the server, each request delivered whole within {@code request-timeout}, and headers no
 * larger than {@code max-header-bytes}, so that slow or numerous clients cannot starve devices.
 *
 * <p>An HTTP/1 connection has one deadline at a time: from when it opens, or its previous answer
 * was sent, until its next request has arrived whole. (Over plain HTTP, Vert.x hands the server a
 * connection only once its first request's headers show it is not HTTP/2, so the first deadline
 * starts there; headers that never complete are left to {@code idle-timeout}.) Once the deadline
 * has passed, a request whose headers arrived but whose body has not is answered 408; the
 * connection is then closed (before the headers, the server has nothing it could answer). An HTTP/2
 * stream has its own deadline from its headers; the connection is left to {@code idle-timeout}.
 *
 * <p>The request path only notes times: one sweep per verticle, every {@link #sweepMillis} (a tenth
 * of the timeout, from 10 ms to 1 s), looks at every connection, so a deadline is enforced up to
 * one sweep late, and the next deadline of a kept-alive connection starts when the first sweep or
 * request after its answer sees that the answer was sent. (A timer per request, re-armed after
 * every answer, cost the static endpoint a third of its throughput.)
 *
 * <p>Its handlers and its sweep run on the verticle's event loop, so its state needs no lock; only
 * the count of connections is shared.
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final LimitsConfig config;
  private final Limits limits;
  private final long timeoutNanos;
  private final long sweepMillis;
  private final Map<HttpConnection, Watch> watches = new IdentityHashMap<>();
  private long sweeper = -1;

  ConnectionGuard(Vertx vertx, Limits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.config = limits.config();
    this.timeoutNanos = config.requestTimeout().toNanos();
    this.sweepMillis = sweepMillis(config.requestTimeout().toMillis());
  }

  /** How often deadlines are looked at: a tenth of the request timeout, from 10 ms to 1 s. */
  private static long sweepMillis(long timeoutMillis) {
    return Math.max(10, Math.min(1000, timeoutMillis / 10));
  }

  /** The server options that carry these limits. */
  HttpServerOptions apply(HttpServerOptions options) {
    return options
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize((int) config.maxHeaderBytes());
  }

  /** Starts the sweep, on the calling verticle's context. */
  void start() {
    sweeper = vertx.setPeriodic(sweepMillis, id -> sweep());
  }

  /** Stops the sweep. */
  void stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /** The server's connection handler: counts a new connection, or closes it when over the limit. */
  void connected(HttpConnection connection) {
    int open = limits.connectionCount().incrementAndGet();
    Watch watch = new Watch(connection, System.nanoTime() + timeoutNanos);
    connection.closeHandler(v -> closed(watch));
    if (config.maxConnections() > 0 && open > config.maxConnections()) {
      connection.close();
      return;
    }
    watches.put(connection, watch);
  }

  /**
   * Follows a request on its connection's deadline; called first for every request, it does not
   * pass the request on.
   */
  void request(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Watch watch = watches.get(request.connection());
    if (watch == null) {
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      watch.http2 = true;
      watch.forget();
      if (!request.isEnded()) {
        watch.streams.add(new Stream(request, ctx, System.nanoTime() + timeoutNanos));
      }
      return;
    }
    if (watch.current != null) {
      // The previous answer was sent since the last sweep: this request's deadline starts now.
      watch.deadline = System.nanoTime() + timeoutNanos;
    }
    watch.current = ctx;
  }

  /**
   * Follows a request that no router sees (a gRPC call, always over HTTP/2) on its own deadline: if
   * it has not arrived whole by then, its stream is reset, and the connection's other streams go
   * on.
   */
  void stream(HttpServerRequest request) {
    Watch watch = watches.get(request.connection());
    if (watch == null) {
      return;
    }
    watch.http2 = true;
    watch.forget();
    if (!request.isEnded()) {
      watch.streams.add(new Stream(request, null, System.nanoTime() + timeoutNanos));
    }
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
    watch.current = null;
    watch.streams.clear();
    watches.remove(watch.connection);
  }

  /** Looks at every connection's deadline. */
  void sweep() {
    long now = System.nanoTime();
    List<Watch> late = null;
    for (Watch watch : watches.values()) {
      if (watch.http2) {
        sweepStreams(watch, now);
        continue;
      }
      RoutingContext ctx = watch.current;
      if (ctx != null) {
        if (ctx.response().ended()) {
          // Answered: the next request's deadline starts now.
          watch.current = null;
          watch.deadline = now + timeoutNanos;
          continue;
        }
        if (ctx.request().isEnded()) {
          // Arrived whole and being answered.
          continue;
        }
      }
      if (now - watch.deadline > 0) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(watch);
      }
    }
    if (late != null) {
      late.forEach(this::late);
    }
  }

  private void sweepStreams(Watch watch, long now) {
    for (Iterator<Stream> i = watch.streams.iterator(); i.hasNext(); ) {
      Stream s = i.next();
      if (s.arrived()) {
        i.remove();
      } else if (now - s.deadline > 0) {
        i.remove();
        if (s.ctx != null) {
          HttpErrors.respond(s.ctx, 408, lateMessage("the stream is ended"));
        } else {
          s.request.response().reset(CANCEL);
        }
      }
    }
  }

  private void late(Watch watch) {
    RoutingContext ctx = watch.current;
    watch.current = null;
    watch.deadline = Long.MAX_VALUE;
    if (ctx == null || ctx.response().headWritten()) {
      watch.connection.close();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    HttpErrors.respond(ctx, 408, lateMessage("the connection is closed"))
        .onComplete(v -> watch.connection.close());
  }

  private String lateMessage(String consequence) {
    return "the request did not arrive whole within "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
        + " ms (server.limits.request-timeout); "
        + consequence;
  }

  /** HTTP/2's error code for a stream that is no longer wanted (RFC 9113, section 7). */
  private static final long CANCEL = 0x8;

  /**
   * A stream of an HTTP/2 connection whose request has not yet arrived whole: a REST request and
   * its routing context, or a gRPC call (no context), and its deadline.
   */
  private record Stream(HttpServerRequest request, RoutingContext ctx, long deadline) {
    boolean arrived() {
      return request.isEnded() || request.response().headWritten();
    }
  }

  /** One connection's deadline and the request it is reading, if any. */
  private static final class Watch {
    private final HttpConnection connection;
    private final ArrayDeque<Stream> streams = new ArrayDeque<>(0);
    private RoutingContext current;
    private long deadline;
    private boolean http2;

    Watch(HttpConnection connection, long deadline) {
      this.connection = connection;
      this.deadline = deadline;
    }

    /** Streams that have arrived whole since the last sweep need no watching. */
    void forget() {
      while (!streams.isEmpty() && streams.peekFirst().arrived()) {
        streams.pollFirst();
      }
    }
  }
}
