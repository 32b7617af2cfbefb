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
import io.vigil.inference.InferenceException;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.MonitoringException;
import io.vigil.monitoring.SafetyLevel;
import io.vigil.monitoring.WindowResult;
import java.util.Optional;

/**
 * The models part of the admin API: {@code GET /admin/v1/models} (every loaded version with its
 * safety level, why, and its last windows), {@code POST /admin/v1/models/{model}/suspend} (stop a
 * version answering, as the policy's suspension does, until it is resumed) and {@code POST
 * /admin/v1/models/{model}/resume} (resume a suspended version) and {@code POST
 * /admin/v1/models/{model}/rollback} (make an earlier installed version the active one again), each
 * with a reason that the ledger records.
 *
 * <p>Reading needs the role viewer; suspending and rolling back, operator; resuming, approver (a
 * suspended model answers patients again only on an approver's word). The actor the ledger records
 * is the authenticated operator ({@link Operators}).
 */
public final class ModelsApi {

  /** Resumes a suspended model version; the gateway records who and why. */
  public interface Resumer {
    SafetyLevel resume(String modelId, Optional<String> version, String actor, String reason);
  }

  /** Suspends a model version by an operator's act; the gateway records who and why. */
  public interface Suspender {
    SafetyLevel suspend(String modelId, Optional<String> version, String actor, String reason);
  }

  /**
   * Makes {@code version}, or else the release below the active one, the active version of a model
   * again; the gateway records who and why.
   */
  public interface RollBacker {
    ModelRegistry.Rollback rollback(
        String modelId, Optional<String> version, String actor, String reason);
  }

  private final ModelRegistry models;
  private final Resumer resumer;
  private final Suspender suspender;
  private final RollBacker rollBacker;

  /**
   * The API over {@code models}, resuming through {@code resumer}, suspending through {@code
   * suspender} and rolling back through {@code rollBacker}.
   */
  public ModelsApi(
      ModelRegistry models, Resumer resumer, Suspender suspender, RollBacker rollBacker) {
    this.models = models;
    this.resumer = resumer;
    this.suspender = suspender;
    this.rollBacker = rollBacker;
  }

  void mount(Router router, WorkerExecutor worker) {
    router
        .get("/admin/v1/models")
        .handler(
            ctx -> {
              if (Operators.authorize(ctx, Role.VIEWER).isPresent()) {
                AdminJson.answer(ctx, 200, list());
              }
            });
    router
        .post("/admin/v1/models/:model/suspend")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(
            ctx ->
                act(
                    ctx,
                    worker,
                    Role.OPERATOR,
                    "why it must stop answering",
                    "suspended_by",
                    suspender::suspend));
    router
        .post("/admin/v1/models/:model/resume")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(
            ctx ->
                act(
                    ctx,
                    worker,
                    Role.APPROVER,
                    "why it is safe to resume",
                    "resumed_by",
                    resumer::resume));
    router
        .post("/admin/v1/models/:model/rollback")
        .handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(ctx -> rollback(ctx, worker));
  }

  /** What an admin action names: {@code {"reason": ..., "version"?: ..., "actor"?: ...}}. */
  private record Action(String model, Optional<String> version, String actor, String reason) {}

  /** The action a request asks for, or empty when it was answered with an error. */
  private static Optional<Action> action(RoutingContext ctx, Role needed, String why) {
    Optional<String> who = Operators.authorize(ctx, needed);
    if (who.isEmpty()) {
      return Optional.empty();
    }
    JsonObject body = AdminJson.body(ctx).orElse(null);
    if (body == null || Operators.sameActor(ctx, who.get(), body).isEmpty()) {
      return Optional.empty();
    }
    String reason = body.getString("reason");
    if (reason == null || reason.isBlank()) {
      AdminJson.error(
          ctx, 400, "\"reason\" is required: " + why + ", for the ledger and the manufacturer");
      return Optional.empty();
    }
    return Optional.of(
        new Action(
            ctx.pathParam("model"),
            Optional.ofNullable(body.getString("version")),
            who.get(),
            reason));
  }

  /** A suspend or resume. */
  private void act(
      RoutingContext ctx,
      WorkerExecutor worker,
      Role needed,
      String why,
      String byField,
      Resumer action) {
    action(ctx, needed, why)
        .ifPresent(
            a ->
                worker
                    .executeBlocking(
                        () -> action.resume(a.model(), a.version(), a.actor(), a.reason()), false)
                    .onSuccess(
                        level ->
                            AdminJson.answer(
                                ctx,
                                200,
                                new JsonObject()
                                    .put("model", a.model())
                                    .put("safety", level.jsonName())
                                    .put(byField, a.actor())
                                    .put("reason", a.reason())))
                    .onFailure(e -> AdminJson.error(ctx, status(e), e.getMessage())));
  }

  /** A rollback: answers with the version left and the version now active. */
  private void rollback(RoutingContext ctx, WorkerExecutor worker) {
    action(ctx, Role.OPERATOR, "why the active version must give way to an earlier one")
        .ifPresent(
            a ->
                worker
                    .executeBlocking(
                        () -> rollBacker.rollback(a.model(), a.version(), a.actor(), a.reason()),
                        false)
                    .onSuccess(
                        done ->
                            AdminJson.answer(
                                ctx,
                                200,
                                new JsonObject()
                                    .put("model", a.model())
                                    .put("from", versionOf(done.from()))
                                    .put("to", versionOf(done.to()))
                                    .put("rolled_back_by", a.actor())
                                    .put("reason", a.reason())))
                    .onFailure(e -> AdminJson.error(ctx, status(e), e.getMessage())));
  }

  private static JsonObject versionOf(LoadedModel m) {
    return new JsonObject()
        .put("version", m.manifest().version())
        .put("release", m.manifest().release())
        .put("bundle_sha256", m.bundle().sha256());
  }

  private JsonObject list() {
    JsonArray all = new JsonArray();
    for (LoadedModel m : models.all()) {
      JsonObject one =
          new JsonObject()
              .put("model_id", m.manifest().modelId())
              .put("version", m.manifest().version())
              .put("release", m.manifest().release())
              .put("bundle_sha256", m.bundle().sha256())
              .put("demo", m.manifest().demo())
              .put("active", models.isActive(m))
              .put("slot", slot(m))
              .put("safety", m.safety())
              .put("evidence", UpdatesApi.evidence(m.manifest()));
      if (m.monitor().isPresent()) {
        ModelMonitor monitor = m.monitor().get();
        JsonArray windows = new JsonArray();
        for (WindowResult w : monitor.recentWindows()) {
          windows.add(new JsonObject(w.toMap()));
        }
        one.put("reasons", new JsonArray(monitor.reasons()))
            .put("open_window_rows", monitor.openWindowRows())
            .put("window_rows", monitor.options().windowRows())
            .put("min_window_rows", monitor.options().minWindowRows())
            .put("dropped_observations", monitor.dropped())
            .put("windows", windows);
      }
      all.add(one);
    }
    return new JsonObject().put("models", all);
  }

  /** Which of its model's slots a loaded version is in: active, previous, candidate or other. */
  private String slot(LoadedModel m) {
    Slots.Model slots = models.slots(m.manifest().modelId());
    String sha = m.bundle().sha256();
    if (slots.active().filter(r -> r.bundleSha256().equals(sha)).isPresent()) {
      return "active";
    }
    if (slots.previous().filter(r -> r.bundleSha256().equals(sha)).isPresent()) {
      return "previous";
    }
    if (slots.candidate().filter(c -> c.bundle().bundleSha256().equals(sha)).isPresent()) {
      return "candidate";
    }
    return "other";
  }

  private static int status(Throwable e) {
    if (e instanceof InferenceException i && i.code() == InferenceException.Code.MODEL_NOT_FOUND) {
      return 404;
    }
    if (e instanceof GatewayException g && g.code() == GatewayException.Code.NOT_FOUND) {
      return 404;
    }
    if (e instanceof GatewayException g && g.code() == GatewayException.Code.CONFLICT) {
      return 409;
    }
    if (e instanceof MonitoringException m && m.code() == MonitoringException.Code.SUSPENDED) {
      return 409;
    }
    return 500;
  }
}
