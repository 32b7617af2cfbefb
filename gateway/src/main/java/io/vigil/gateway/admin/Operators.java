package io.vigil.gateway.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vigil.gateway.access.Principal;
import io.vigil.gateway.access.Role;
import java.util.Optional;

/**
 * The admin API's one gate: who the authenticated operator is ({@link AdminVerticle} keeps it in
 * the request's context) and whether its role allows what the request asks. The ledger's actor of
 * an admin action is the operator, {@code operator:<name>}, never what the request body says.
 */
final class Operators {

  /** The key under which the authenticated operator is kept in a request's context. */
  static final String OPERATOR = "vigil.operator";

  private Operators() {}

  /**
   * The actor ({@code operator:<name>}) when the request's operator has {@code needed}, else
   * answers 403 naming the role it has and the one it needs, and returns empty.
   */
  static Optional<String> authorize(RoutingContext ctx, Role needed) {
    Principal p = ctx.get(OPERATOR);
    Role has = p == null ? null : p.role().orElse(null);
    if (p == null || has == null) {
      AdminJson.error(ctx, 401, "no operator: present an operator token or client certificate");
      return Optional.empty();
    }
    if (!has.allows(needed)) {
      AdminJson.error(
          ctx,
          403,
          "operator '"
              + p.name()
              + "' has the role "
              + has.jsonName()
              + "; "
              + ctx.request().method()
              + " "
              + ctx.request().path()
              + " needs "
              + needed.jsonName());
      return Optional.empty();
    }
    return Optional.of(actor(p));
  }

  /**
   * The actor of an action whose body may name one: 400 when it names another than the
   * authenticated operator.
   */
  static Optional<String> sameActor(RoutingContext ctx, String actor, JsonObject body) {
    String named = body.getString("actor");
    if (named != null && !named.equals(actor)) {
      AdminJson.error(
          ctx,
          400,
          "\"actor\" is '"
              + named
              + "', but the request is authenticated as '"
              + actor
              + "': the ledger records who authenticated; leave \"actor\" out");
      return Optional.empty();
    }
    return Optional.of(actor);
  }

  static String actor(Principal p) {
    return "operator:" + p.name();
  }
}
