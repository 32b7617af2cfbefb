package io.vigil.gateway.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.inference.InferenceException;
import io.vigil.inference.ValidatedInput;

/**
 * The device-facing HTTP API: the Open Inference Protocol v2 REST endpoints.
 *
 * <p>Requests are decoded and checked on the event loop (microseconds); ONNX Runtime runs on the
 * model's batcher threads, and the answer comes back to this verticle's context.
 */
public final class OipVerticle extends VerticleBase {

  private static final String JSON = "application/json";

  private final ModelRegistry models;
  private final Lifecycle lifecycle;
  private final String host;
  private final int port;
  private final long maxBodyBytes;
  private final String serverVersion;
  private HttpServer server;

  /** A verticle that serves {@code models} on {@code host:port}. */
  public OipVerticle(
      ModelRegistry models,
      Lifecycle lifecycle,
      String host,
      int port,
      long maxBodyBytes,
      String serverVersion) {
    this.models = models;
    this.lifecycle = lifecycle;
    this.host = host;
    this.port = port;
    this.maxBodyBytes = maxBodyBytes;
    this.serverVersion = serverVersion;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    Buffer serverBody = OipEncoder.server(serverVersion);
    router.get("/v2").handler(ctx -> json(ctx, 200, serverBody));
    router.get("/v2/health/live").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/v2/health/ready").handler(this::ready);
    router
        .get("/v2/models/:model")
        .handler(ctx -> metadata(ctx, models.active(ctx.pathParam("model"))));
    router
        .get("/v2/models/:model/ready")
        .handler(ctx -> modelReady(ctx, models.active(ctx.pathParam("model"))));
    router
        .get("/v2/models/:model/versions/:version")
        .handler(
            ctx -> metadata(ctx, models.version(ctx.pathParam("model"), ctx.pathParam("version"))));
    router
        .get("/v2/models/:model/versions/:version/ready")
        .handler(
            ctx ->
                modelReady(ctx, models.version(ctx.pathParam("model"), ctx.pathParam("version"))));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router
        .post("/v2/models/:model/infer")
        .handler(body)
        .handler(this::enter)
        .handler(ctx -> infer(ctx, models.active(ctx.pathParam("model"))));
    router
        .post("/v2/models/:model/versions/:version/infer")
        .handler(body)
        .handler(this::enter)
        .handler(
            ctx -> infer(ctx, models.version(ctx.pathParam("model"), ctx.pathParam("version"))));
    router.route().failureHandler(this::failure);
    router.errorHandler(
        404,
        ctx ->
            HttpErrors.respond(
                ctx,
                404,
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            HttpErrors.respond(
                ctx,
                405,
                "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
    HttpServerOptions options =
        new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(false);
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The port this verticle listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  private void ready(RoutingContext ctx) {
    if (lifecycle.draining()) {
      HttpErrors.respond(ctx, 503, "the gateway is shutting down");
    } else if (!lifecycle.ready()) {
      HttpErrors.respond(ctx, 503, "the gateway is starting");
    } else if (!models.hasModels()) {
      HttpErrors.respond(
          ctx,
          503,
          "no model is loaded"
              + (models.refused().isEmpty() ? "" : "; refused: " + models.refused()));
    } else {
      ctx.response().setStatusCode(200).end();
    }
  }

  private void modelReady(RoutingContext ctx, LoadedModel model) {
    if (!lifecycle.ready()) {
      HttpErrors.respond(
          ctx,
          503,
          "model "
              + model.manifest().modelId()
              + " is not ready: the gateway is "
              + (lifecycle.draining() ? "shutting down" : "starting"));
    } else {
      ctx.response().setStatusCode(200).end();
    }
  }

  private void metadata(RoutingContext ctx, LoadedModel model) {
    json(ctx, 200, OipEncoder.metadata(model, models.versions(model.manifest().modelId())));
  }

  private void enter(RoutingContext ctx) {
    if (lifecycle.draining()) {
      HttpErrors.respond(
          ctx, 503, "the gateway is shutting down; send this request again after it restarts");
      return;
    }
    lifecycle.enter();
    ctx.addEndHandler(v -> lifecycle.exit());
    ctx.next();
  }

  private void infer(RoutingContext ctx, LoadedModel model) {
    InferRequest request = OipDecoder.decode(ctx.body().buffer().getBytes());
    for (String output : request.outputs()) {
      if (model.manifest().output(output).isEmpty()) {
        throw new InferenceException(
            InferenceException.Code.INPUT_INVALID,
            "unknown output '"
                + output
                + "'; model "
                + model.manifest().modelId()
                + " returns "
                + model.manifest().outputs().stream().map(t -> t.name()).toList());
      }
    }
    ValidatedInput input = model.validator().validate(request.inputs());
    Context context = vertx.getOrCreateContext();
    Future.fromCompletionStage(model.batcher().submit(input), context)
        .onSuccess(
            outputs ->
                json(
                    ctx,
                    200,
                    OipEncoder.inferResponse(model, request, input.rows(), outputs, input.flags())))
        .onFailure(failure -> HttpErrors.respond(ctx, failure));
  }

  private void failure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      HttpErrors.respond(ctx, ctx.failure());
    } else if (ctx.statusCode() == 413) {
      HttpErrors.respond(
          ctx, 413, "request body is larger than the limit of " + maxBodyBytes + " bytes");
    } else {
      HttpErrors.respond(ctx, ctx.statusCode(), "request failed with status " + ctx.statusCode());
    }
  }

  private static void json(RoutingContext ctx, int status, Buffer body) {
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body);
  }
}
