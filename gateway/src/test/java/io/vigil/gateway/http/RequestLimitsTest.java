package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request makes the gateway allocate is bounded by the model, not by the size of its body: a
 * request that holds more is refused as soon as the excess is read.
 */
class RequestLimitsTest {

  private static final String INFER = "/v2/models/test-model/infer";

  @TempDir static Path dataDir;
  static Gateway gateway;
  static Http http;

  @BeforeAll
  static void start() {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    gateway = Gateway.start(TestGateways.config(dataDir));
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void moreValuesThanTheModelTakesInOneRequestAre400() {
    // 256 rows of 3 values at most; this data array holds 100000
    String data = IntStream.range(0, 100_000).mapToObj(i -> "1").collect(Collectors.joining(","));

    Http.Response r = http.post(INFER, tensor("x", "[1, 3]", "[" + data + "]", ""));

    assertEquals(400, r.status(), r.body());
    assertEquals(
        "inputs[0].data holds more than the 768 values that a request to this model may carry",
        r.error());
  }

  @Test
  void moreTensorsThanTheModelTakesAre400() {
    String one =
        "{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 2, 3]}";

    Http.Response r = http.post(INFER, "{\"inputs\": [" + one + ", " + one + "]}");

    assertEquals(400, r.status(), r.body());
    assertEquals("inputs holds more than the 1 tensor(s) this model takes", r.error());
  }

  @Test
  void moreOutputsThanTheModelHasAre400() {
    Http.Response r =
        http.post(
            INFER,
            tensor(
                "x",
                "[1, 3]",
                "[1, 2, 3]",
                ", \"outputs\": [{\"name\": \"p\"}, {\"name\": \"p\"}]"));

    assertEquals(400, r.status(), r.body());
    assertEquals("outputs names more than the 1 this model has", r.error());
  }

  @Test
  void aTextLongerThanTheGatewayKeepsIs400() {
    String id = "r".repeat(OipDecoder.MAX_TEXT_CHARS + 1);

    Http.Response r =
        http.post(INFER, tensor("x", "[1, 3]", "[1, 2, 3]", ", \"id\": \"" + id + "\""));

    assertEquals(400, r.status(), r.body());
    assertEquals("request body holds a text longer than 65536 characters", r.error());
  }

  @Test
  void aTextThatTheGatewaySkipsMayBeAsLongAsTheBody() {
    String padding = "a".repeat(512 * 1024);

    Http.Response r =
        http.post(
            INFER,
            tensor(
                "x", "[1, 3]", "[1, 2, 3]", ", \"parameters\": {\"note\": \"" + padding + "\"}"));

    assertEquals(200, r.status(), r.body());
  }

  private static String tensor(String name, String shape, String data, String more) {
    return "{\"inputs\": [{\"name\": \""
        + name
        + "\", \"datatype\": \"FP32\", \"shape\": "
        + shape
        + ", \"data\": "
        + data
        + "}]"
        + more
        + "}";
  }
}
