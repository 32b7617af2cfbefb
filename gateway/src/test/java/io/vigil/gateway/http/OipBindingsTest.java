package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.vertx.core.json.JsonObject;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.Tensor;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.grpc.oip.GRPCInferenceServiceGrpc;
import io.vigil.gateway.grpc.oip.InferTensorContents;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import io.vigil.gateway.grpc.oip.ModelInferResponse;
import io.vigil.gateway.grpc.oip.ModelMetadataRequest;
import io.vigil.gateway.grpc.oip.ModelMetadataResponse;
import io.vigil.gateway.grpc.oip.ModelReadyRequest;
import io.vigil.gateway.grpc.oip.ServerLiveRequest;
import io.vigil.gateway.grpc.oip.ServerMetadataRequest;
import io.vigil.gateway.grpc.oip.ServerReadyRequest;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OIP's three bindings against a running gateway over real sockets: JSON REST, REST with binary
 * tensor data (the extension Triton's clients use), and gRPC with grpc-java's client (stubs
 * generated from the protocol's {@code .proto} by the build): every RPC; the same input over every
 * binding gives bit-identical outputs and the same ledger entry; malformed and inconsistent
 * requests get clear errors (the protocol's status codes with the REST binding's messages) and
 * leave the gateway serving.
 */
class OipBindingsTest {

  private static final String MODEL = "test-model";
  private static final float[] ROW = {1f, 1.5f, -2f};

  @TempDir Path dataDir;
  private Gateway gateway;
  private ManagedChannel channel;
  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void start() {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
    stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close();
  }

  @Test
  void everyRpcOfTheServiceAnswersOverASocket() {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertEquals(
        "vigil", stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
    assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build()).getReady());
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(MODEL).build());
    assertEquals(MODEL, metadata.getName());
    assertEquals("x", metadata.getInputs(0).getName());
    assertEquals(List.of(-1L, 3L), metadata.getInputs(0).getShapeList());
    assertEquals("p", metadata.getOutputs(0).getName());

    ModelInferResponse answer = stub.modelInfer(typed("rpc-1", ROW));
    assertEquals(MODEL, answer.getModelName());
    assertEquals("rpc-1", answer.getId());
    assertEquals(1, answer.getOutputs(0).getContents().getFp32ContentsCount());
    assertTrue(answer.getParametersMap().containsKey("audit_seq"));
    assertEquals("unmonitored", answer.getParametersOrThrow("safety").getStringParam());
    assertTrue(answer.getParametersOrThrow("demo").hasBoolParam());
  }

  @Test
  void theSameInputOverEveryBindingGivesBitIdenticalOutputsAndTheSameLedgerEntry()
      throws Exception {
    // given the same row with the same request id, over JSON REST, binary REST, gRPC typed and
    // gRPC raw
    JsonObject json = rest("parity", ROW);
    HttpResponse<byte[]> binary = postBinary("parity", ROW, 12, true);
    ModelInferResponse typed = stub.modelInfer(typed("parity", ROW));
    ModelInferResponse raw = stub.modelInfer(raw("parity", ROW));

    // then the outputs are the same bits
    float fromJson = json.getJsonArray("outputs").getJsonObject(0).getJsonArray("data").getFloat(0);
    float fromTyped = typed.getOutputs(0).getContents().getFp32Contents(0);
    assertEquals(0, typed.getRawOutputContentsCount(), "typed in, typed out");
    ByteBuffer rawOut =
        raw.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(4, rawOut.remaining(), "one FP32 in raw_output_contents");
    float fromRaw = rawOut.getFloat();
    assertEquals(200, binary.statusCode());
    assertEquals("application/octet-stream", binary.headers().firstValue("content-type").get());
    int header =
        Integer.parseInt(binary.headers().firstValue("inference-header-content-length").get());
    JsonObject binaryJson =
        new JsonObject(
            new String(binary.body(), 0, header, java.nio.charset.StandardCharsets.UTF_8));
    JsonObject out = binaryJson.getJsonArray("outputs").getJsonObject(0);
    assertEquals(4, out.getJsonObject("parameters").getInteger("binary_data_size"));
    assertTrue(!out.containsKey("data"), "binary outputs carry no JSON data");
    assertEquals(header + 4, binary.body().length);
    float fromBinary =
        ByteBuffer.wrap(binary.body(), header, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(Float.floatToRawIntBits(fromJson), Float.floatToRawIntBits(fromTyped));
    assertEquals(Float.floatToRawIntBits(fromJson), Float.floatToRawIntBits(fromRaw));
    assertEquals(Float.floatToRawIntBits(fromJson), Float.floatToRawIntBits(fromBinary));

    // and the four ledger entries are the same but for their latency (and their place)
    List<PredictionEntry> entries = predictions();
    assertEquals(4, entries.size());
    for (PredictionEntry e : entries.subList(1, 4)) {
      assertSameEntry(entries.get(0), e);
    }
  }

  @Test
  void refusalsGetTheProtocolsCodesWithTheRestBindingsMessagesAndTheGatewayKeepsServing()
      throws Exception {
    // an unknown model: NOT_FOUND, with REST's 404 message
    String restNotFound = post("/v2/models/no-such-model/infer", body("nf", ROW)).body();
    StatusRuntimeException notFound =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.modelInfer(
                    typed("nf", ROW).toBuilder().setModelName("no-such-model").build()));
    assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
    assertEquals(
        new JsonObject(restNotFound).getString("error"), notFound.getStatus().getDescription());

    // raw contents of the wrong length: INVALID_ARGUMENT naming the input and the lengths
    ModelInferRequest shortRaw =
        raw("short", ROW).toBuilder()
            .setRawInputContents(0, ByteString.copyFrom(new byte[11]))
            .build();
    StatusRuntimeException badLength =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(shortRaw));
    assertEquals(Status.Code.INVALID_ARGUMENT, badLength.getStatus().getCode());
    assertEquals(
        "input 0 ('x'): raw_input_contents holds 11 bytes; 3 values of FP32 take 12",
        badLength.getStatus().getDescription());

    // typed contents that do not fill the shape
    ModelInferRequest.Builder fewer = typed("few", ROW).toBuilder();
    fewer.getInputsBuilder(0).setContents(InferTensorContents.newBuilder().addFp32Contents(1f));
    StatusRuntimeException tooFew =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(fewer.build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, tooFew.getStatus().getCode());
    assertEquals(
        "input 0 ('x'): fp32_contents holds 1 values; its shape needs 3",
        tooFew.getStatus().getDescription());

    // bytes that are not a protobuf message at all
    StatusRuntimeException malformed =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    RAW_INFER,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02}));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
    assertTrue(
        String.valueOf(malformed.getStatus().getDescription()).contains("not a valid protobuf"),
        String.valueOf(malformed.getStatus().getDescription()));

    // binary REST: a header length beyond the body, binary data cut short, and data left over
    HttpResponse<byte[]> beyond = postBinary("beyond", ROW, 12, false, 100_000);
    assertEquals(400, beyond.statusCode());
    assertTrue(
        error(beyond).startsWith("Inference-Header-Content-Length is 100000 but the body holds"),
        error(beyond));
    HttpResponse<byte[]> cut = postBinary("cut", ROW, 12, false, -1, 5);
    assertEquals(400, cut.statusCode());
    assertEquals("input x needs 12 bytes of binary tensor data; the body holds 7 more", error(cut));
    HttpResponse<byte[]> wrongSize = postBinary("size", ROW, 8, false);
    assertEquals(400, wrongSize.statusCode());
    assertEquals(
        "input x: parameters.binary_data_size is 8 bytes; 3 values of FP32 take 12",
        error(wrongSize));

    // and the gateway still serves, over every binding
    assertEquals(1, stub.modelInfer(typed("after", ROW)).getOutputsCount());
    assertEquals(200, post("/v2/models/" + MODEL + "/infer", body("after", ROW)).statusCode());
    assertEquals(200, postBinary("after", ROW, 12, true).statusCode());
  }

  @Test
  void theServerSaysItSpeaksBinaryTensorData() throws Exception {
    JsonObject server = new JsonObject(get("/v2").body());
    assertEquals(List.of("binary_tensor_data"), server.getJsonArray("extensions").getList());
  }

  private static String error(HttpResponse<byte[]> r) {
    return new JsonObject(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
        .getString("error");
  }

  private HttpResponse<byte[]> postBinary(String id, float[] row, int binarySize, boolean binaryOut)
      throws Exception {
    return postBinary(id, row, binarySize, binaryOut, -1, 0);
  }

  private HttpResponse<byte[]> postBinary(
      String id, float[] row, int binarySize, boolean binaryOut, int headerLength)
      throws Exception {
    return postBinary(id, row, binarySize, binaryOut, headerLength, 0);
  }

  /**
   * A request as Triton's HTTP client sends it: the JSON with {@code binary_data_size}, then the
   * row's bytes, little-endian; {@code headerLength} -1 for the JSON's true length, {@code cut} the
   * bytes left off the end.
   */
  private HttpResponse<byte[]> postBinary(
      String id, float[] row, int binarySize, boolean binaryOut, int headerLength, int cut)
      throws Exception {
    String json =
        "{\"id\": \""
            + id
            + "\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, "
            + row.length
            + "], \"parameters\": {\"binary_data_size\": "
            + binarySize
            + "}}]"
            + (binaryOut ? ", \"parameters\": {\"binary_data_output\": true}" : "")
            + "}";
    byte[] head = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(head.length + row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(head);
    for (float v : row) {
      b.putFloat(v);
    }
    byte[] all = java.util.Arrays.copyOf(b.array(), b.capacity() - cut);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
                .header("Content-Type", "application/octet-stream")
                .header(
                    "Inference-Header-Content-Length",
                    String.valueOf(headerLength < 0 ? head.length : headerLength))
                .POST(HttpRequest.BodyPublishers.ofByteArray(all))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static final MethodDescriptor<byte[], byte[]> RAW_INFER =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("inference.GRPCInferenceService/ModelInfer")
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  /** Bytes as they are, so that a test can send what no stub would. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void assertSameEntry(PredictionEntry a, PredictionEntry b) {
    assertEquals(a.requestId(), b.requestId());
    assertEquals(a.deviceId(), b.deviceId());
    assertEquals(a.modelId(), b.modelId());
    assertEquals(a.modelVersion(), b.modelVersion());
    assertEquals(a.bundleSha256(), b.bundleSha256());
    assertEquals(a.inputDigest(), b.inputDigest());
    assertTensors(a.inputs(), b.inputs());
    assertTensors(a.outputs(), b.outputs());
    assertEquals(a.safetyState(), b.safetyState());
    assertEquals(a.flags(), b.flags());
  }

  private static void assertTensors(List<Tensor> a, List<Tensor> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).name(), b.get(i).name());
      assertArrayEquals(a.get(i).shape(), b.get(i).shape());
      float[] x = a.get(i).values();
      float[] y = b.get(i).values();
      assertEquals(x.length, y.length);
      for (int j = 0; j < x.length; j++) {
        assertEquals(Float.floatToRawIntBits(x[j]), Float.floatToRawIntBits(y[j]));
      }
    }
  }

  private List<PredictionEntry> predictions() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<PredictionEntry> out = new ArrayList<>();
      for (StoredEntry e : reader.entries(0, reader.size())) {
        if (e.entry() instanceof PredictionEntry p) {
          out.add(p);
        }
      }
      return out;
    }
  }

  private static ModelInferRequest.Builder request(String id) {
    return ModelInferRequest.newBuilder().setModelName(MODEL).setId(id);
  }

  private static ModelInferRequest typed(String id, float[] row) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (float v : row) {
      c.addFp32Contents(v);
    }
    return request(id)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("x")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(row.length)
                .setContents(c))
        .build();
  }

  private static ModelInferRequest raw(String id, float[] row) {
    ByteBuffer b = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : row) {
      b.putFloat(v);
    }
    b.flip();
    return request(id)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("x")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(row.length))
        .addRawInputContents(ByteString.copyFrom(b))
        .build();
  }

  private static String body(String id, float[] row) {
    StringBuilder data = new StringBuilder();
    for (float v : row) {
      data.append(data.length() == 0 ? "" : ", ").append(v);
    }
    return "{\"id\": \""
        + id
        + "\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, "
        + row.length
        + "], \"data\": ["
        + data
        + "]}]}";
  }

  private JsonObject rest(String id, float[] row) throws Exception {
    HttpResponse<String> r = post("/v2/models/" + MODEL + "/infer", body(id, row));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
