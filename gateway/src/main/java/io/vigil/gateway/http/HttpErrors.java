package io.vigil.gateway.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vigil.audit.AuditException;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.InferenceException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;

/** The one place that maps the modules' error codes to HTTP statuses and OIP error bodies. */
final class HttpErrors {

  private static final Logger LOG = System.getLogger(HttpErrors.class.getName());

  /** Seconds a device should wait before it retries after a 429. */
  static final String RETRY_AFTER_SECONDS = "1";

  private HttpErrors() {}

  static int status(InferenceException.Code code) {
    return switch (code) {
      case INPUT_INVALID, INPUT_MISSING, MANIFEST_INVALID -> 400;
      case MODEL_NOT_FOUND -> 404;
      case QUEUE_FULL -> 429;
      case MODEL_UNAVAILABLE -> 503;
      case BUNDLE_INVALID,
          STORE_FAILED,
          RUNTIME_FAILED,
          REFERENCE_DATA_INVALID,
          PROFILE_INVALID,
          BUNDLE_BUILD_FAILED ->
          500;
    };
  }

  /** The status of the gateway's own expected failures: a request's fault, or the state's. */
  static int status(GatewayException.Code code) {
    return switch (code) {
      case DATA_INVALID -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  /**
   * What a device is told of a failure, whatever the binding: the HTTP status (which the gRPC
   * binding maps to its own codes), the message, whether to retry after {@link
   * #RETRY_AFTER_SECONDS}, and whether the failure is logged (once per request, one line).
   */
  record Refusal(int status, String message, boolean retryAfter, boolean logged) {}

  /** How {@code failure} is answered. */
  static Refusal refusal(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AuditException e) {
      if (e.code() == AuditException.Code.OVERLOADED) {
        return new Refusal(
            429, "the ledger is busy; retry shortly: " + e.getMessage(), true, false);
      }
      if (e.code() == AuditException.Code.INVALID_ENTRY) {
        return new Refusal(
            400,
            "the request cannot be recorded as it is, so it gets no answer: " + e.getMessage(),
            false,
            false);
      }
      // No line per refused request: the ledger logs its fault once when it begins and once when
      // it ends, and readiness reports it meanwhile.
      return new Refusal(
          503,
          "no answer without a record: the prediction could not be recorded in the ledger: "
              + e.getMessage(),
          false,
          false);
    }
    if (cause instanceof InferenceException e) {
      // A coded failure is an expected fault whose message names what failed and why: one line,
      // no stack trace, for a fault of the gateway's own.
      int status = status(e.code());
      return new Refusal(
          status, e.getMessage(), e.code() == InferenceException.Code.QUEUE_FULL, status >= 500);
    }
    if (cause instanceof GatewayException e && status(e.code()) < 500) {
      return new Refusal(status(e.code()), e.getMessage(), false, false);
    }
    return new Refusal(500, "internal error: " + cause, false, true);
  }

  /** Answers a failure with its status and {@code {"error": "..."}}. */
  static void respond(RoutingContext ctx, Throwable failure) {
    Refusal r = refusal(failure);
    if (r.retryAfter()) {
      ctx.response().putHeader("retry-after", RETRY_AFTER_SECONDS);
    }
    respond(ctx, r.status(), r.message());
    log(r, failure, ctx.request().method() + " " + ctx.request().path());
  }

  /** Logs a refusal that is logged, naming {@code where} it happened for an unexpected failure. */
  static void log(Refusal r, Throwable failure, String where) {
    if (!r.logged()) {
      return;
    }
    Throwable cause = unwrap(failure);
    if (cause instanceof InferenceException) {
      LOG.log(Level.ERROR, r.message());
    } else {
      LOG.log(Level.ERROR, "unexpected failure on " + where, cause);
    }
  }

  /** The failure inside a {@link CompletionException}, or the failure itself. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  /** Answers {@code status} with {@code {"error": message}}; completes once it is written. */
  static Future<Void> respond(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return Future.succeededFuture();
    }
    return ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(OipEncoder.error(message));
  }
}
