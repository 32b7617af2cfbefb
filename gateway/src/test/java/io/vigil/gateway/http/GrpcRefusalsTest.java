package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.LimitsConfig;
import io.vigil.gateway.grpc.oip.GRPCInferenceServiceGrpc;
import io.vigil.gateway.grpc.oip.InferTensorContents;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import io.vigil.gateway.grpc.oip.ServerLiveRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gRPC binding refuses, against a running gateway with the demo model, a small body limit
 * and a device rate limit: a suspended model answers gRPC with the refusal REST gives, word for
 * word; a message over the limit gets {@code RESOURCE_EXHAUSTED}, never an {@code
 * OutOfMemoryError}, and the gateway serves on; a device over its rate is refused as over REST.
 */
class GrpcRefusalsTest {

  private static final String DEMO = "wdbc-malignancy";
  private static final long MAX_BODY = 4096;

  @TempDir Path dataDir;
  private Gateway gateway;
  private ManagedChannel channel;
  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void start() {
    gateway =
        Gateway.start(
            TestGateways.withLimits(
                TestGateways.withMaxBody(TestGateways.config(dataDir), MAX_BODY),
                LimitsConfig.defaults().withDeviceRate(1, 2)));
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
  void aSuspendedModelAnswersEveryBindingWithTheSameRefusal() throws Exception {
    // given the demo model suspended by a person
    gateway.suspend(DEMO, Optional.empty(), "operator:test", "a test of the bindings");

    // when a device asks over REST and over gRPC
    HttpResponse<String> rest =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + gateway.port() + "/v2/models/" + DEMO + "/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    StatusRuntimeException grpc =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request(30)));

    // then both refuse, in the same words
    assertEquals(503, rest.statusCode());
    assertEquals(Status.Code.UNAVAILABLE, grpc.getStatus().getCode());
    String said = new JsonObject(rest.body()).getString("error");
    assertTrue(said.contains("is suspended"), said);
    assertEquals(said, grpc.getStatus().getDescription());
  }

  @Test
  void aMessageOverTheBodyLimitIsRefusedAndTheGatewayServesOn() {
    // given a message of 2,000 values, about 8 kB, over a limit of 4 kB
    ModelInferRequest big = request(2000);
    assertTrue(big.getSerializedSize() > MAX_BODY);

    // when it is sent, then it is refused as too large, and the gateway still answers
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(big));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
  }

  @Test
  void aDeviceOverItsRateIsRefusedWithRestsWords() {
    // given the one anonymous device's rate of 1 per second with bursts of 2, spent at once (the
    // limiter counts a request before its message is read, as over REST, valid or not)
    for (int i = 0; i < 2; i++) {
      try {
        stub.modelInfer(request(30));
      } catch (StatusRuntimeException e) {
        assertNotEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), "within burst");
      }
    }

    // when it asks again within the second, then it is refused as over its rate, as over REST
    StatusRuntimeException over =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request(30)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, over.getStatus().getCode());
    assertTrue(
        over.getStatus().getDescription().startsWith("device anonymous is over its rate limit"),
        over.getStatus().getDescription());
  }

  private static ModelInferRequest request(int values) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (int i = 0; i < values; i++) {
      c.addFp32Contents(i);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(DEMO)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(values)
                .setContents(c))
        .build();
  }
}
