package io.vigil.gateway.admin;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.access.Role;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.gateway.models.Slots;
import io.vigil.gateway.update.UpdateGate;
import io.vigil.inference.bundle.Manifest;
import io.vigil.monitoring.WindowResult;
import java.util.Optional;

/**
 * The updates part of the admin API: {@code GET /admin/v1/updates} lists each model's candidate
 * update with its evidence (what the manufacturer claims, its PCCP) and its shadow run so far;
 * {@code POST /admin/v1/updates/{id}/approve} promotes a candidate that met its shadow rule and
 * {@code POST /admin/v1/updates/{id}/hold} keeps one out of service, each with who and why, which
 * the ledger records. An update's id is {@code <model>@<version>}.
 */
public final class UpdatesApi {

  private final ModelRegistry models;
  private final UpdateGate gate;

  public UpdatesApi(ModelRegistry models, UpdateGate gate) {
    this.models = models;
    this.gate = gate;
  }

  void mount(Router router, WorkerExecutor worker) {
    router
        .get("/admin/v1/updates")
        .handler(
            ctx -> {
              if (Operators.authorize(ctx, Role.VIEWER).isPresent()) {
                AdminJson.answer(ctx, 200, list());
              }
            });
    router
        .post("/admin/v1/updates/:id/approve")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(ctx -> act(ctx, worker, true));
    router
        .post("/admin/v1/updates/:id/hold")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(ctx -> act(ctx, worker, false));
  }

  private void act(RoutingContext ctx, WorkerExecutor worker, boolean approve) {
    Optional<String> who = Operators.authorize(ctx, approve ? Role.APPROVER : Role.OPERATOR);
    if (who.isEmpty()) {
      return;
    }
    JsonObject body = AdminJson.body(ctx).orElse(null);
    if (body == null || Operators.sameActor(ctx, who.get(), body).isEmpty()) {
      return;
    }
    String reason = body.getString("reason");
    if (reason == null || reason.isBlank()) {
      AdminJson.error(
          ctx,
          400,
          "\"reason\" is required: why this update "
              + (approve ? "may reach patients" : "must wait")
              + ", for the ledger and the manufacturer");
      return;
    }
    String actor = who.get();
    String id = ctx.pathParam("id");
    int at = id.lastIndexOf('@');
    if (at <= 0 || at == id.length() - 1) {
      AdminJson.error(ctx, 404, "an update's id is <model>@<version>, not '" + id + "'");
      return;
    }
    String model = id.substring(0, at);
    String version = id.substring(at + 1);
    worker
        .executeBlocking(
            () -> {
              LoadedModel c =
                  models
                      .candidate(model)
                      .filter(m -> m.manifest().version().equals(version))
                      .orElseThrow(
                          () ->
                              new GatewayException(
                                  GatewayException.Code.NOT_FOUND,
                                  "no pending update "
                                      + id
                                      + "; pending: "
                                      + models.modelIds().stream()
                                          .flatMap(m -> models.candidate(m).stream())
                                          .map(UpdatesApi::id)
                                          .toList()));
              return approve ? gate.approve(model, actor, reason) : gate.hold(model, actor, reason);
            },
            false)
        .onSuccess(
            c ->
                AdminJson.answer(
                    ctx,
                    200,
                    new JsonObject()
                        .put("id", id)
                        .put(approve ? "approved_by" : "held_by", actor)
                        .put("reason", reason)
                        .put("active_version", models.active(model).manifest().version())))
        .onFailure(e -> AdminJson.error(ctx, status(e), e.getMessage()));
  }

  private JsonObject list() {
    JsonArray updates = new JsonArray();
    for (String model : models.modelIds()) {
      Optional<LoadedModel> candidate = models.candidate(model);
      if (candidate.isEmpty()) {
        continue;
      }
      LoadedModel c = candidate.get();
      Slots.Candidate slot = models.slots(model).candidate().orElseThrow();
      Manifest m = c.manifest();
      JsonObject one =
          new JsonObject()
              .put("id", id(c))
              .put("model_id", model)
              .put("version", m.version())
              .put("release", m.release())
              .put("bundle_sha256", c.bundle().sha256())
              .put("stage", slot.stage().jsonName())
              .put("since", slot.since().toString())
              .put("promotion", slot.automatic() ? "automatic" : "local-approval")
              .put(
                  "active_version",
                  models.findActive(model).map(a -> a.manifest().version()).orElse(null))
              .put("evidence", evidence(m));
      gate.shadow(c)
          .ifPresent(
              s -> {
                JsonObject shadow =
                    new JsonObject()
                        .put("rows", s.rows())
                        .put("agreeing_rows", s.agreeing())
                        .put("agreement", s.agreement())
                        .put("dropped_requests", s.dropped())
                        .put("min_rows", s.minRows())
                        .put("min_agreement", s.minAgreement())
                        .put("safety", c.safety())
                        .put("passed", s.passed().orElse(null));
                JsonArray windows = new JsonArray();
                c.monitor()
                    .ifPresent(
                        mon -> {
                          for (WindowResult w : mon.recentWindows()) {
                            windows.add(new JsonObject(w.toMap()));
                          }
                        });
                one.put("shadow", shadow.put("windows", windows));
              });
      updates.add(one);
    }
    return new JsonObject().put("updates", updates);
  }

  /** What the manufacturer claims for a version: its PCCP, intended use, data set and metrics. */
  static JsonObject evidence(Manifest m) {
    JsonArray metrics = new JsonArray();
    for (Manifest.Metric metric : m.performance().metrics()) {
      metrics.add(
          new JsonObject()
              .put("name", metric.name())
              .put("subgroup", metric.subgroup())
              .put("value", metric.value())
              .put("ci_low", metric.ciLow())
              .put("ci_high", metric.ciHigh())
              .put("floor", metric.floor()));
    }
    return new JsonObject()
        .put(
            "pccp",
            new JsonObject().put("id", m.pccp().id()).put("modification", m.pccp().modification()))
        .put("intended_use", m.intendedUse())
        .put("dataset", m.performance().dataset())
        .put("metrics", metrics);
  }

  private static String id(LoadedModel m) {
    return m.manifest().modelId() + "@" + m.manifest().version();
  }

  private static int status(Throwable e) {
    if (e instanceof GatewayException g) {
      return switch (g.code()) {
        case NOT_FOUND -> 404;
        case CONFLICT -> 409;
        default -> 500;
      };
    }
    return 500;
  }
}
