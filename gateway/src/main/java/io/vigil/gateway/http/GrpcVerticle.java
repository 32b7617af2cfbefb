package io.vigil.gateway.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vigil.gateway.access.Authenticator;
import io.vigil.gateway.access.Endpoint;
import io.vigil.gateway.access.Principal;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import io.vigil.gateway.grpc.oip.ModelInferResponse;
import io.vigil.gateway.grpc.oip.ModelMetadataRequest;
import io.vigil.gateway.grpc.oip.ModelMetadataResponse;
import io.vigil.gateway.grpc.oip.ModelReadyRequest;
import io.vigil.gateway.grpc.oip.ModelReadyResponse;
import io.vigil.gateway.grpc.oip.ServerLiveRequest;
import io.vigil.gateway.grpc.oip.ServerLiveResponse;
import io.vigil.gateway.grpc.oip.ServerMetadataRequest;
import io.vigil.gateway.grpc.oip.ServerMetadataResponse;
import io.vigil.gateway.grpc.oip.ServerReadyRequest;
import io.vigil.gateway.grpc.oip.ServerReadyResponse;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.inference.validation.InputTensor;
import io.vigil.inference.validation.ValidatedInput;
import java.util.UUID;
import java.util.function.Function;

/**
 * The OIP's gRPC binding, {@code inference.GRPCInferenceService}, on its own port: the same models,
 * device identities, TLS, limits, validation, batcher, ledger and safety state as the REST binding
 * ({@link InferencePath}), and the same refusals with the same messages, as gRPC status codes: 400
 * → {@code INVALID_ARGUMENT}, 401 → {@code UNAUTHENTICATED}, 404 → {@code NOT_FOUND}, 413 and 429 →
 * {@code RESOURCE_EXHAUSTED}, 503 → {@code UNAVAILABLE}, 500 → {@code INTERNAL}.
 *
 * <p>Only gRPC over HTTP/2 with protobuf messages is served (no gRPC-Web, no JSON transcoding). A
 * message over the server's largest body limit is refused by Vert.x before it is read whole; one
 * over its model's limit, once its size is known. A message that is not one of the protocol gets
 * {@code INVALID_ARGUMENT} saying so.
 */
public final class GrpcVerticle extends DeviceServerVerticle {

  /** The service's name, as the protocol's {@code .proto} declares it. */
  static final ServiceName SERVICE = ServiceName.create("inference", "GRPCInferenceService");

  private final ModelRegistry models;
  private final Lifecycle lifecycle;
  private final Recorder recorder;
  private final String host;
  private final int port;
  private final long maxBodyBytes;
  private final long maxMessageBytes;
  private final BodyBudget budget;
  private final Endpoint devices;
  private final boolean authenticationRequired;
  private final String serverVersion;
  private final Limits limits;
  private final InferencePath path;

  /**
   * A verticle that serves {@code models} over gRPC on {@code host:port}, as {@link OipVerticle}
   * does over REST with the same arguments: a request message may be as large as {@code
   * maxBodyBytes} ({@code server.max-body-bytes}), or its model's own limit.
   */
  public GrpcVerticle(
      ModelRegistry models,
      Recorder recorder,
      Lifecycle lifecycle,
      String host,
      int port,
      long maxBodyBytes,
      BodyBudget budget,
      Endpoint devices,
      boolean authenticationRequired,
      String serverVersion,
      AnswerListener answers,
      Limits limits) {
    this.models = models;
    this.recorder = recorder;
    this.lifecycle = lifecycle;
    this.host = host;
    this.port = port;
    this.maxBodyBytes = maxBodyBytes;
    this.maxMessageBytes =
        Math.max(
            maxBodyBytes,
            limits.config().modelMaxBody().values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0));
    this.budget = budget;
    this.devices = devices;
    this.authenticationRequired = authenticationRequired;
    this.serverVersion = serverVersion;
    this.limits = limits;
    this.path = new InferencePath(recorder, answers);
  }

  /** The HTTP/2 flow-control window of a stream and of a connection: grpc-java's, 1 MiB. */
  static final int FLOW_CONTROL_WINDOW = 1 << 20;

  @Override
  public Future<?> start() {
    GrpcServer grpc =
        GrpcServer.server(
            vertx,
            new GrpcServerOptions()
                .removeEnabledProtocol(GrpcProtocol.TRANSCODING)
                .removeEnabledProtocol(GrpcProtocol.WEB)
                .removeEnabledProtocol(GrpcProtocol.WEB_TEXT)
                .setMaxMessageSize(maxMessageBytes));
    unary(grpc, "ServerLive", ServerLiveRequest.parser(), m -> live());
    unary(grpc, "ServerReady", ServerReadyRequest.parser(), m -> ready());
    unary(grpc, "ServerMetadata", ServerMetadataRequest.parser(), m -> serverMetadata());
    unary(grpc, "ModelReady", ModelReadyRequest.parser(), this::modelReady);
    unary(grpc, "ModelMetadata", ModelMetadataRequest.parser(), this::modelMetadata);
    grpc.callHandler(
        GrpcVerticle.<ModelInferResponse>method("ModelInfer"),
        call -> {
          long arrived = System.nanoTime();
          call.handler(
              bytes -> {
                ModelInferRequest m = parse(call, ModelInferRequest.parser(), bytes);
                if (m != null) {
                  infer(call, m, arrived);
                }
              });
        });
    ConnectionGuard guard = startGuard(limits);
    HttpServerOptions options =
        devices.applyTo(
            guard.apply(
                new HttpServerOptions()
                    .setHost(host)
                    .setPort(port)
                    .setUseAlpn(true)
                    .setCompressionSupported(false)
                    // grpc-java's flow-control window, 1 MiB a stream and a connection, in place
                    // of HTTP/2's 64 KiB: an imaging input of 600 kB then needs no WINDOW_UPDATE
                    // round trip before the whole of it is sent (BENCHMARKS.md, the bindings).
                    .setInitialSettings(
                        new Http2Settings().setInitialWindowSize(FLOW_CONTROL_WINDOW))
                    .setHttp2ConnectionWindowSize(FLOW_CONTROL_WINDOW)));
    return vertx
        .createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(
            request -> {
              guard.stream(request);
              grpc.handle(request);
            })
        .listen()
        .onSuccess(this::listening);
  }

  /** One RPC of the service that every device may call: its message and its answer. */
  private <Q extends MessageLite, R extends MessageLite> void unary(
      GrpcServer grpc, String name, Parser<Q> parser, Function<Q, Future<R>> rpc) {
    grpc.callHandler(
        GrpcVerticle.<R>method(name),
        call ->
            call.handler(
                bytes -> {
                  Q m = parse(call, parser, bytes);
                  if (m == null || authenticate(call) == null) {
                    return;
                  }
                  Future<R> answer;
                  try {
                    answer = rpc.apply(m);
                  } catch (RuntimeException e) {
                    answer = Future.failedFuture(e);
                  }
                  answer.onSuccess(r -> call.response().end(r)).onFailure(f -> fail(call, f));
                }));
  }

  /**
   * A method whose request arrives as bytes, parsed by the handler ({@link #parse}), so that a
   * message that is not one gets {@code INVALID_ARGUMENT} saying so, where Vert.x's own decoding
   * would only cancel the stream.
   */
  private static <R extends MessageLite> ServiceMethod<Buffer, R> method(String name) {
    return ServiceMethod.server(SERVICE, name, encoder(), GrpcMessageDecoder.IDENTITY);
  }

  @SuppressWarnings("unchecked")
  private static <R extends MessageLite> GrpcMessageEncoder<R> encoder() {
    return (GrpcMessageEncoder<R>) ENCODER;
  }

  private static final GrpcMessageEncoder<MessageLite> ENCODER =
      new GrpcMessageEncoder<>() {
        @Override
        public GrpcMessage encode(MessageLite message, WireFormat format) {
          return GrpcMessage.message(
              "identity", WireFormat.PROTOBUF, Buffer.buffer(message.toByteArray()));
        }

        @Override
        public boolean accepts(WireFormat format) {
          return format == WireFormat.PROTOBUF;
        }
      };

  /**
   * The call's message, or null, with the call answered {@code INVALID_ARGUMENT}, when its bytes
   * are not a message of the method's type.
   */
  private static <Q> Q parse(GrpcServerRequest<?, ?> call, Parser<Q> parser, Buffer bytes) {
    try {
      return parser.parseFrom(bytes.getBytes());
    } catch (InvalidProtocolBufferException e) {
      status(
          call,
          GrpcStatus.INVALID_ARGUMENT,
          "the "
              + call.methodName()
              + " request is not a valid protobuf message of the protocol: "
              + e.getMessage());
      return null;
    }
  }

  /**
   * The device of a call, by its certificate, token or trusted proxy, as over REST; null, with the
   * call answered {@code UNAUTHENTICATED}, when a credential is refused or none is presented where
   * devices must authenticate.
   */
  private String authenticate(GrpcServerRequest<?, ?> call) {
    Authenticator.Outcome outcome =
        devices.authenticator().authenticate(call.connection(), call.headers()::get);
    if (outcome.isRefused()) {
      status(call, GrpcStatus.UNAUTHENTICATED, outcome.refusal());
      return null;
    }
    if (outcome.principal().isEmpty() && authenticationRequired) {
      status(
          call,
          GrpcStatus.UNAUTHENTICATED,
          "this gateway serves known devices only: present a client certificate from the"
              + " hospital's CA, or a device token (metadata authorization: Bearer ..., from"
              + " `vigil devices add`)");
      return null;
    }
    return outcome.principal().map(Principal::name).orElse(OipVerticle.ANONYMOUS);
  }

  private Future<ServerLiveResponse> live() {
    return Future.succeededFuture(ServerLiveResponse.newBuilder().setLive(true).build());
  }

  private Future<ServerReadyResponse> ready() {
    boolean ready =
        lifecycle.ready()
            && !lifecycle.draining()
            && recorder.problem().isEmpty()
            && models.hasModels();
    return Future.succeededFuture(ServerReadyResponse.newBuilder().setReady(ready).build());
  }

  private Future<ServerMetadataResponse> serverMetadata() {
    return Future.succeededFuture(
        ServerMetadataResponse.newBuilder().setName("vigil").setVersion(serverVersion).build());
  }

  private Future<ModelReadyResponse> modelReady(ModelReadyRequest m) {
    model(m.getName(), m.getVersion());
    return Future.succeededFuture(
        ModelReadyResponse.newBuilder()
            .setReady(lifecycle.ready() && !lifecycle.draining())
            .build());
  }

  private Future<ModelMetadataResponse> modelMetadata(ModelMetadataRequest m) {
    LoadedModel model = model(m.getName(), m.getVersion());
    return Future.succeededFuture(
        GrpcCodec.metadata(model, models.versions(model.manifest().modelId())));
  }

  private LoadedModel model(String name, String version) {
    return version.isEmpty() ? models.active(name) : models.version(name, version);
  }

  private void infer(
      GrpcServerRequest<Buffer, ModelInferResponse> call, ModelInferRequest message, long arrived) {
    String device = authenticate(call);
    if (device == null) {
      return;
    }
    if (lifecycle.draining()) {
      status(
          call,
          GrpcStatus.UNAVAILABLE,
          "the gateway is shutting down; send this request again after it restarts");
      return;
    }
    java.util.Optional<DeviceLimits.Refusal> over = limits.devices().admit(device);
    if (over.isPresent()) {
      // As REST's 429: the device is over its rate or its requests in flight; others are served.
      call.response().trailers().set("retry-after", String.valueOf(over.get().retryAfterSeconds()));
      status(call, GrpcStatus.RESOURCE_EXHAUSTED, over.get().message());
      return;
    }
    lifecycle.enter();
    BodyBudget.Reservation reservation = budget.reserve();
    LoadedModel[] resolved = {null};
    Future<ModelInferResponse> answer;
    try {
      answer = answer(message, device, arrived, reservation, resolved);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(
        done -> {
          reservation.release();
          limits.devices().release(device);
          lifecycle.exit();
          int status = done.succeeded() ? 200 : HttpErrors.refusal(done.cause()).status();
          if (done.succeeded()) {
            call.response().end(done.result());
          } else {
            fail(call, done.cause());
          }
          if (resolved[0] != null) {
            resolved[0].meters().answered(status, System.nanoTime() - arrived);
          }
        });
  }

  private Future<ModelInferResponse> answer(
      ModelInferRequest message,
      String device,
      long arrived,
      BodyBudget.Reservation reservation,
      LoadedModel[] resolved) {
    LoadedModel model = model(message.getModelName(), message.getModelVersion());
    resolved[0] = model;
    if (model.suspended()) {
      return Future.failedFuture(new Refused(503, InferencePath.suspendedMessage(model)));
    }
    long limit =
        limits.config().modelMaxBody().getOrDefault(model.manifest().modelId(), maxBodyBytes);
    int size = message.getSerializedSize();
    if (size > limit) {
      return Future.failedFuture(
          new Refused(
              413,
              "request message is larger than the limit of "
                  + limit
                  + " bytes for model "
                  + model.manifest().modelId()));
    }
    InferRequest request = GrpcCodec.decode(message, OipDecoder.Limits.of(model));
    ValidatedInput input = InferencePath.admit(model, request);
    long values = request.inputs().stream().mapToLong(InputTensor::size).sum();
    long need = size + Math.multiplyExact(values, BodyBudget.BYTES_PER_VALUE);
    if (!reservation.resize(need)) {
      return Future.failedFuture(new Refused(429, budget.shortOfMemory(need)));
    }
    String requestId = request.id().orElseGet(() -> UUID.randomUUID().toString());
    return Future.fromCompletionStage(
            path.run(model, input, requestId, device, arrived), vertx.getOrCreateContext())
        .map(
            a ->
                GrpcCodec.inferResponse(
                    model,
                    message,
                    request,
                    input.rows(),
                    a.outputs(),
                    input.flags(),
                    a.auditSeq(),
                    a.safety()));
  }

  /** A refusal of this binding's own, with the HTTP status whose gRPC code it gets. */
  private static final class Refused extends RuntimeException {
    private final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static void fail(GrpcServerRequest<?, ?> call, Throwable failure) {
    Throwable cause = HttpErrors.unwrap(failure);
    if (cause instanceof Refused r) {
      status(call, code(r.status), r.getMessage());
      return;
    }
    HttpErrors.Refusal r = HttpErrors.refusal(cause);
    status(call, code(r.status()), r.message());
    HttpErrors.log(r, cause, SERVICE.fullyQualifiedName() + "/" + call.methodName());
  }

  /** The gRPC status of an HTTP status, as Triton's and KServe's servers map them. */
  static GrpcStatus code(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 403 -> GrpcStatus.PERMISSION_DENIED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 408 -> GrpcStatus.DEADLINE_EXCEEDED;
      case 413, 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      default -> GrpcStatus.INTERNAL;
    };
  }

  private static void status(GrpcServerRequest<?, ?> call, GrpcStatus status, String message) {
    call.response().status(status).statusMessage(message).end();
  }
}
