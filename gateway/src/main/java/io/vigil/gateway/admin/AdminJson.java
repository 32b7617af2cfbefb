package io.vigil.gateway.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The admin API's JSON in and out: one body reader, one answer, one error shape. */
final class AdminJson {

  private AdminJson() {}

  /** The request's JSON object, or empty after answering 400 naming what is wrong. */
  static Optional<JsonObject> body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return Optional.of(body == null ? new JsonObject() : body);
    } catch (RuntimeException e) {
      error(ctx, 400, "the body must be a JSON object: " + e.getMessage());
      return Optional.empty();
    }
  }

  static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encodePrettily());
  }

  static void error(RoutingContext ctx, int status, String message) {
    answer(ctx, status, new JsonObject().put("error", String.valueOf(message)));
  }
}
