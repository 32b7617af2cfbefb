package io.vigil.gateway.admin;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.access.Role;
import io.vigil.gateway.outcomes.OutcomeBatch;
import io.vigil.gateway.outcomes.Outcomes;
import java.util.List;

/**
 * {@code POST /admin/v1/models/{model}/outcomes}: a batch of outcomes from the hospital's systems
 * (what {@code vigil outcomes import} sends from a laboratory's CSV file), recorded under the
 * operator who sends it; the same body and answer as the device port's endpoint. Needs the role
 * operator.
 */
public final class OutcomesApi {

  /** The largest batch body: 10,000 outcomes of long ids and labels. */
  static final long MAX_BODY = 4L << 20;

  private final Outcomes outcomes;

  /** The API over {@code outcomes}. */
  public OutcomesApi(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  void mount(Router router) {
    router
        .post("/admin/v1/models/:model/outcomes")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY))
        .handler(this::record);
  }

  private void record(RoutingContext ctx) {
    var who = Operators.authorize(ctx, Role.OPERATOR);
    if (who.isEmpty()) {
      return;
    }
    String model = ctx.pathParam("model");
    List<OutcomeBatch.Item> items;
    try {
      items = OutcomeBatch.parse(ctx.body().buffer());
    } catch (GatewayException e) {
      AdminJson.error(ctx, 400, e.getMessage());
      return;
    }
    Future.fromCompletionStage(
            outcomes.record(model, items, who.get()), ctx.vertx().getOrCreateContext())
        .onSuccess(results -> AdminJson.answer(ctx, 200, OutcomeBatch.answer(model, results)))
        .onFailure(
            e ->
                AdminJson.error(
                    ctx,
                    e.getCause() instanceof GatewayException g
                            && g.code() == GatewayException.Code.CONFLICT
                        ? 409
                        : 500,
                    e.getMessage()));
  }
}
