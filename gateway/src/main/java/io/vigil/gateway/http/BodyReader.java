package io.vigil.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an inference request's body within the {@link BodyBudget}, or refuses it without keeping
 * it: a body over {@code server.max-body-bytes} (or its model's {@code
 * server.limits.model-max-body}) gets 413, one the budget cannot hold now 429 with Retry-After.
 *
 * <p>A body's Content-Length is reserved before its first byte is read, so that a request which
 * would go over the budget is refused at once; a chunked body is reserved chunk by chunk as it
 * arrives. The chunks are kept as they arrive, never grown into one buffer. The reservation lasts
 * until the answer is sent, and is then given back.
 */
final class BodyReader implements Handler<RoutingContext> {

  /**
   * Bytes of a refused body that are read and dropped beyond {@code server.max-body-bytes}, so that
   * the client, which may still be sending, can read the answer (like Tomcat's maxSwallowSize);
   * past them the connection is closed.
   */
  static final long SWALLOW_BEYOND_LIMIT_BYTES = 2L << 20;

  private static final String BODY = "vigil.body";
  private static final String RESERVATION = "vigil.reservation";
  private static final String CONTINUED = "vigil.continued";

  private final BodyBudget budget;
  private final long maxBodyBytes;
  private final Map<String, Long> modelMaxBody;

  /**
   * A reader within {@code budget} of bodies up to {@code maxBodyBytes}, or, for a model that
   * {@code modelMaxBody} names (the {@code model} path parameter), up to its own limit.
   */
  BodyReader(BodyBudget budget, long maxBodyBytes, Map<String, Long> modelMaxBody) {
    this.budget = budget;
    this.maxBodyBytes = maxBodyBytes;
    this.modelMaxBody = Map.copyOf(modelMaxBody);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    BodyBudget.Reservation reservation = budget.reserve();
    ctx.put(RESERVATION, reservation);
    ctx.addEndHandler(v -> reservation.release());
    long declared = contentLength(request);
    String model = ctx.pathParam("model");
    long limit = limit(model);
    if (declared > limit) {
      refuse(ctx, 413, tooLarge(model, limit));
      return;
    }
    if (declared > 0 && !reservation.resize(declared)) {
      refuse(ctx, 429, shortOfMemory(declared));
      return;
    }
    if (request.isEnded()) {
      ctx.put(BODY, RequestBody.EMPTY);
      ctx.next();
      return;
    }
    if (request.version() != HttpVersion.HTTP_1_0
        && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
      ctx.put(CONTINUED, Boolean.TRUE);
    }
    Reading reading = new Reading(ctx, reservation, declared, model, limit);
    request.handler(reading::chunk).endHandler(v -> reading.end()).resume();
  }

  /** The body read for this request, once; empty when it had none. */
  static RequestBody take(RoutingContext ctx) {
    RequestBody body = ctx.remove(BODY);
    return body == null ? RequestBody.EMPTY : body;
  }

  /**
   * Sizes this request's reservation to what its decoded values hold ({@link
   * BodyBudget#BYTES_PER_VALUE} each) in place of its body's bytes; false when the budget cannot
   * give that much now.
   */
  static boolean holdDecoded(RoutingContext ctx, long values) {
    BodyBudget.Reservation reservation = ctx.get(RESERVATION);
    return reservation == null
        || reservation.resize(Math.multiplyExact(values, BodyBudget.BYTES_PER_VALUE));
  }

  /** The 429 of a request that the budget cannot hold now. */
  String shortOfMemory(long needBytes) {
    return budget.shortOfMemory(needBytes);
  }

  private long limit(String model) {
    return model == null ? maxBodyBytes : modelMaxBody.getOrDefault(model, maxBodyBytes);
  }

  private String tooLarge(String model, long limit) {
    return "request body is larger than the limit of "
        + limit
        + " bytes"
        + (model != null && modelMaxBody.containsKey(model)
            ? " for model " + model + " (server.limits.model-max-body)"
            : "");
  }

  /**
   * Answers {@code status} before the body was read, keeping none of it: the rest of the body is
   * read and dropped, and the connection closed only if more than a bound arrives; a client that
   * waits for a 100 Continue before it sends the body gets none, and the connection is closed once
   * the answer is written.
   */
  void refuse(RoutingContext ctx, int status, String message) {
    HttpServerRequest request = ctx.request();
    if (status == 429 && !ctx.response().headers().contains(HttpHeaders.RETRY_AFTER)) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, HttpErrors.RETRY_AFTER_SECONDS);
    }
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (request.isEnded()) {
      HttpErrors.respond(ctx, status, message);
      return;
    }
    if (http1
        && ctx.get(CONTINUED) == null
        && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      Future<Void> sent = HttpErrors.respond(ctx, status, message);
      sent.onComplete(v -> request.connection().close());
      return;
    }
    long[] left = {limit(ctx.pathParam("model")) + SWALLOW_BEYOND_LIMIT_BYTES};
    request.handler(
        chunk -> {
          left[0] -= chunk.length();
          if (left[0] < 0 && http1) {
            left[0] = Long.MAX_VALUE;
            request.connection().close();
          }
        });
    request.endHandler(null);
    request.resume();
    HttpErrors.respond(ctx, status, message);
  }

  private static long contentLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      // The HTTP codec refuses a malformed length before a handler sees the request.
      return -1;
    }
  }

  /** The state of one body being read. */
  private final class Reading {
    private final RoutingContext ctx;
    private final BodyBudget.Reservation reservation;
    private final long declared;
    private final String model;
    private final long limit;
    private List<Buffer> chunks = new ArrayList<>();
    private long received;

    Reading(
        RoutingContext ctx,
        BodyBudget.Reservation reservation,
        long declared,
        String model,
        long limit) {
      this.ctx = ctx;
      this.reservation = reservation;
      this.declared = declared;
      this.model = model;
      this.limit = limit;
    }

    void chunk(Buffer chunk) {
      received += chunk.length();
      if (received > limit) {
        stop(413, tooLarge(model, limit));
      } else if (declared < 0 && !reservation.resize(received)) {
        stop(429, shortOfMemory(received));
      } else {
        chunks.add(chunk);
      }
    }

    void end() {
      ctx.put(BODY, new RequestBody(chunks, received));
      chunks = null;
      ctx.next();
    }

    private void stop(int status, String message) {
      chunks = null;
      reservation.release();
      refuse(ctx, status, message);
    }
  }
}
