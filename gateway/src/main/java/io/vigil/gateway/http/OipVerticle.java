package io.vigil.gateway.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.gateway.access.Authenticator;
import io.vigil.gateway.access.Endpoint;
import io.vigil.gateway.access.Principal;
import io.vigil.gateway.metrics.InferenceMeters;
import io.vigil.gateway.metrics.RequestMeters;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.gateway.outcomes.OutcomeBatch;
import io.vigil.gateway.outcomes.Outcomes;
import io.vigil.inference.InferenceException;
import io.vigil.inference.validation.InputTensor;
import io.vigil.inference.validation.ValidatedInput;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The device-facing HTTP API: the Open Inference Protocol v2 REST endpoints.
 *
 * <p>Requests are decoded and checked on the event loop (microseconds). Then the model runs: on the
 * batcher's runner threads, or, for a model cheaper than {@code inference.inline-below} (timed at
 * load) while its queue is empty, right here on the event loop, because handing a run of a few
 * microseconds to another thread and back costs more than the run (measured in BENCHMARKS.md, "Work
 * on the event loop": 14 against 19 µs of CPU per request with the ledger off). The ledger entry is
 * encoded and its input digest hashed on the thread that ran the model, so for an inline model on
 * the event loop too (a few microseconds for the demo model's 30 inputs); only its commit waits on
 * the ledger's writer thread. The answer is sent from this verticle's context once the entry is
 * committed.
 *
 * <p>Request bodies are read within the {@link BodyBudget} that every verticle shares, and what a
 * body makes the gateway allocate is bounded by the model (see {@link BodyReader} and {@link
 * OipDecoder}), so that no number or size of requests can run the heap out.
 *
 * <p>Every answer to an inference request, whatever its status, is counted and timed from the
 * request's arrival on the meters of the model version that answered it ({@link RequestMeters},
 * held by the {@link LoadedModel}), once the response has ended.
 */
public final class OipVerticle extends DeviceServerVerticle {

  private static final String JSON = "application/json";
  private static final String STARTED_NANOS = "vigil.started";
  private static final String MODEL = "vigil.model";

  /** The key under which a request's authenticated device name is kept in its context. */
  public static final String DEVICE = "vigil.device";

  /** The header of the binary tensor data extension: the length of the JSON that begins a body. */
  static final String INFERENCE_HEADER_CONTENT_LENGTH = "Inference-Header-Content-Length";

  /** The device identity recorded when a request names none. */
  public static final String ANONYMOUS = "anonymous";

  private final ModelRegistry models;
  private final Recorder recorder;
  private final Lifecycle lifecycle;
  private final String host;
  private final int port;
  private final BodyReader bodyReader;
  private final Endpoint devices;
  private final boolean authenticationRequired;
  private final String serverVersion;
  private final Supplier<List<String>> warnings;
  private final InferenceMeters meters;
  private final InferencePath path;
  private final Limits limits;
  private final Outcomes outcomes;

  /**
   * A verticle that serves {@code models} on {@code host:port} and records every answer with {@code
   * recorder} before it sends it; request bodies are read within {@code bodyBudget}, which every
   * verticle of the server shares; each request is authenticated at {@code devices} (its TLS, its
   * device credentials), and one that names no device is refused when {@code
   * authenticationRequired}, else served as {@code anonymous}; a ready gateway lists {@code
   * warnings} in its readiness answer; a request that names no loaded model version is counted on
   * {@code meters}; devices, connections and requests are held within {@code limits}, which every
   * verticle shares; the outcomes devices return go to {@code outcomes}.
   */
  public OipVerticle(
      ModelRegistry models,
      Recorder recorder,
      Lifecycle lifecycle,
      String host,
      int port,
      long maxBodyBytes,
      BodyBudget bodyBudget,
      Endpoint devices,
      boolean authenticationRequired,
      String serverVersion,
      Supplier<List<String>> warnings,
      InferenceMeters meters,
      AnswerListener answers,
      Limits limits,
      Outcomes outcomes) {
    this.models = models;
    this.recorder = recorder;
    this.lifecycle = lifecycle;
    this.host = host;
    this.port = port;
    this.bodyReader = new BodyReader(bodyBudget, maxBodyBytes, limits.config().modelMaxBody());
    this.devices = devices;
    this.authenticationRequired = authenticationRequired;
    this.serverVersion = serverVersion;
    this.warnings = warnings;
    this.meters = meters;
    this.path = new InferencePath(recorder, answers);
    this.limits = limits;
    this.outcomes = outcomes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    ConnectionGuard guard = startGuard(limits);
    Buffer serverBody = OipEncoder.server(serverVersion);
    // One first handler, not two: each route the router walks costs every request.
    router
        .route()
        .handler(
            ctx -> {
              guard.request(ctx);
              authenticate(ctx);
            });
    // The router tries each route in turn until one matches: the exact paths first (a string
    // comparison each), then inference, which nearly every request takes, before the metadata
    // routes, whose patterns an inference request no longer runs.
    router.get("/v2").handler(ctx -> json(ctx, 200, serverBody));
    router.get("/v2/health/live").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/v2/health/ready").handler(this::ready);
    router
        .post("/v2/models/:model/infer")
        .handler(this::enter)
        .handler(ctx -> limits.devices().handle(ctx, bodyReader))
        .handler(bodyReader)
        .handler(ctx -> infer(ctx, models.active(ctx.pathParam("model"))));
    router
        .post("/v2/models/:model/versions/:version/infer")
        .handler(this::enter)
        .handler(ctx -> limits.devices().handle(ctx, bodyReader))
        .handler(bodyReader)
        .handler(
            ctx -> infer(ctx, models.version(ctx.pathParam("model"), ctx.pathParam("version"))));
    router
        .post("/v2/models/:model/outcomes")
        .handler(ctx -> limits.devices().handle(ctx, bodyReader))
        .handler(bodyReader)
        .handler(this::outcomes);
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
    // No WebSocket endpoints: without WebSocket compression, Vert.x leaves the extension handler
    // out of every connection's pipeline, which otherwise inspects each request and response.
    HttpServerOptions options =
        devices.applyTo(
            guard.apply(
                new HttpServerOptions()
                    .setHost(host)
                    .setPort(port)
                    .setCompressionSupported(false)
                    .setPerFrameWebSocketCompressionSupported(false)
                    .setPerMessageWebSocketCompressionSupported(false)));
    return vertx
        .createHttpServer(options)
        .connectionHandler(guard::connected)
        .invalidRequestHandler(guard::invalid)
        .requestHandler(router)
        .listen()
        .onSuccess(this::listening);
  }

  /**
   * The first handler of every route but the health probes: the device the request comes from, by
   * its certificate, token or trusted proxy ({@link Endpoint#authenticator}), kept in the context
   * under {@link #DEVICE}; 401 with what to present when a credential is refused, or when none is
   * presented and devices must authenticate.
   */
  private void authenticate(RoutingContext ctx) {
    if (ctx.request().path().startsWith("/v2/health/")) {
      ctx.next();
      return;
    }
    Authenticator.Outcome outcome = devices.authenticator().authenticate(ctx.request());
    if (outcome.isRefused()) {
      unauthorized(ctx, outcome.refusal());
      return;
    }
    if (outcome.principal().isEmpty() && authenticationRequired) {
      unauthorized(
          ctx,
          "this gateway serves known devices only: present a client certificate from the"
              + " hospital's CA, or a device token (Authorization: Bearer ..., from `vigil devices"
              + " add`)");
      return;
    }
    ctx.put(DEVICE, outcome.principal().map(Principal::name).orElse(ANONYMOUS));
    ctx.next();
  }

  private static void unauthorized(RoutingContext ctx, String why) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
    HttpErrors.respond(ctx, 401, why);
  }

  private void ready(RoutingContext ctx) {
    if (lifecycle.draining()) {
      HttpErrors.respond(ctx, 503, "the gateway is shutting down");
    } else if (!lifecycle.ready()) {
      HttpErrors.respond(ctx, 503, "the gateway is starting");
    } else if (recorder.problem().isPresent()) {
      HttpErrors.respond(ctx, 503, recorder.problem().get());
    } else if (!models.hasModels()) {
      HttpErrors.respond(
          ctx,
          503,
          "no model is loaded"
              + (models.refused().isEmpty() ? "" : "; refused: " + models.refused()));
    } else {
      List<String> now = warnings.get();
      if (now.isEmpty()) {
        ctx.response().setStatusCode(200).end();
      } else {
        // Ready, with what hospital IT should look at before it stops being so.
        json(ctx, 200, new JsonObject().put("warnings", new JsonArray(now)).toBuffer());
      }
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
    long arrived = System.nanoTime();
    if (lifecycle.draining()) {
      ctx.addEndHandler(done -> answered(ctx, done, arrived));
      bodyReader.refuse(
          ctx, 503, "the gateway is shutting down; send this request again after it restarts");
      return;
    }
    lifecycle.enter();
    ctx.addEndHandler(
        done -> {
          lifecycle.exit();
          answered(ctx, done, arrived);
        });
    ctx.put(STARTED_NANOS, arrived);
    ctx.next();
  }

  /**
   * Counts and times an answered inference request on the meters of the model version it went to; a
   * request whose connection closed before its answer was written is not counted. An answer that
   * was ended is counted even though Vert.x reports its end as failed ("Connection closed"), as it
   * does for every HTTP/2 stream (h2c, which the JDK's client negotiates by default), whose stream
   * closes once the answer is sent.
   */
  private void answered(RoutingContext ctx, AsyncResult<Void> done, long arrived) {
    if (done.failed() && !ctx.response().ended()) {
      return;
    }
    LoadedModel model = ctx.get(MODEL);
    RequestMeters m = model != null ? model.meters() : unresolved(ctx);
    m.answered(ctx.response().getStatusCode(), System.nanoTime() - arrived);
  }

  /**
   * The meters of a request answered before its model was looked up (refused for its body, or while
   * shutting down) or whose model or version is not loaded: tagged {@code unknown} for what it
   * names that is not loaded, so that no request can make up new tag values.
   */
  private RequestMeters unresolved(RoutingContext ctx) {
    String id = ctx.pathParam("model");
    String version = ctx.pathParam("version");
    if (id == null) {
      return meters.requests(InferenceMeters.UNKNOWN, InferenceMeters.UNKNOWN);
    }
    Optional<LoadedModel> model =
        version == null ? models.findActive(id) : models.find(id, version);
    if (model.isPresent()) {
      return model.get().meters();
    }
    return meters.requests(
        models.versions(id).isEmpty() ? InferenceMeters.UNKNOWN : id, InferenceMeters.UNKNOWN);
  }

  private void infer(RoutingContext ctx, LoadedModel model) {
    ctx.put(MODEL, model);
    RequestBody body = BodyReader.take(ctx);
    if (model.suspended()) {
      // Refused before the body is decoded: a suspended model answers nobody.
      HttpErrors.respond(ctx, 503, InferencePath.suspendedMessage(model));
      return;
    }
    if (body.length() == 0) {
      throw new InferenceException(
          InferenceException.Code.INPUT_INVALID,
          "request body is empty; expected an OIP v2 inference request (JSON)");
    }
    InferRequest request = OipDecoder.decode(body, OipDecoder.Limits.of(model), headerLength(ctx));
    ValidatedInput input = InferencePath.admit(model, request);
    long values = request.inputs().stream().mapToLong(InputTensor::size).sum();
    if (!BodyReader.holdDecoded(ctx, values)) {
      bodyReader.refuse(ctx, 429, bodyReader.shortOfMemory(values * BodyBudget.BYTES_PER_VALUE));
      return;
    }
    String requestId = request.id().orElseGet(() -> UUID.randomUUID().toString());
    CompletableFuture<InferencePath.Answer> answer =
        path.run(model, input, requestId, ctx.get(DEVICE), ctx.get(STARTED_NANOS));
    Future.fromCompletionStage(answer, vertx.getOrCreateContext())
        .onSuccess(
            a ->
                answer(
                    ctx,
                    OipEncoder.inferResponse(
                        model,
                        request,
                        input.rows(),
                        a.outputs(),
                        input.flags(),
                        a.auditSeq(),
                        a.safety())))
        .onFailure(failure -> HttpErrors.respond(ctx, failure));
  }

  /**
   * The observed outcomes of earlier predictions, from the device that sends them: 400 for a body
   * that is not a batch, else 200 with each item accepted or refused.
   */
  private void outcomes(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    models.active(model); // 404 for a model this gateway does not serve
    List<OutcomeBatch.Item> items = OutcomeBatch.parse(Buffer.buffer(BodyReader.take(ctx).all()));
    Future.fromCompletionStage(
            outcomes.record(model, items, "device:" + device(ctx)), vertx.getOrCreateContext())
        .onSuccess(results -> json(ctx, 200, OutcomeBatch.answer(model, results).toBuffer()))
        .onFailure(failure -> HttpErrors.respond(ctx, failure));
  }

  /**
   * The length of the JSON that begins a body with binary tensor data ({@code
   * Inference-Header-Content-Length}), or -1 for a JSON body.
   */
  private static long headerLength(RoutingContext ctx) {
    String value = ctx.request().getHeader(INFERENCE_HEADER_CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(value.strip());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new InferenceException(
        InferenceException.Code.INPUT_INVALID,
        INFERENCE_HEADER_CONTENT_LENGTH + " must be a non-negative integer, got '" + value + "'");
  }

  private static void answer(RoutingContext ctx, OipEncoder.Response response) {
    if (response.headerLength() < 0) {
      json(ctx, 200, response.body());
      return;
    }
    ctx.response()
        .setStatusCode(200)
        .putHeader("content-type", "application/octet-stream")
        .putHeader(INFERENCE_HEADER_CONTENT_LENGTH, String.valueOf(response.headerLength()))
        .end(response.body());
  }

  private static String device(RoutingContext ctx) {
    String name = ctx.get(DEVICE);
    return name == null ? ANONYMOUS : name;
  }

  private void failure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      HttpErrors.respond(ctx, ctx.failure());
    } else {
      HttpErrors.respond(ctx, ctx.statusCode(), "request failed with status " + ctx.statusCode());
    }
  }

  private static void json(RoutingContext ctx, int status, Buffer body) {
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body);
  }
}
