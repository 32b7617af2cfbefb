package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OIP v2 API over a real socket, against real ONNX Runtime and the real demo bundle. */
class OipApiTest {

  static final float[] MALIGNANT = {
    17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f, 1.095f,
        0.9053f, 8.589f, 153.4f, 0.006399f,
    0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f, 25.38f, 17.33f, 184.6f, 2019f, 0.1622f,
        0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f
  };
  static final float[] BENIGN = {
    13.54f, 14.36f, 87.46f, 566.3f, 0.09779f, 0.08129f, 0.06664f, 0.04781f, 0.1885f, 0.05766f,
        0.2699f, 0.7886f, 2.058f, 23.56f, 0.008462f,
    0.0146f, 0.02387f, 0.01315f, 0.0198f, 0.0023f, 15.11f, 19.26f, 99.7f, 711.2f, 0.144f, 0.1773f,
        0.239f, 0.1288f, 0.2977f, 0.07259f
  };
  static final String DEMO = "/v2/models/wdbc-malignancy";

  @TempDir static Path dataDir;
  static Gateway gateway;
  static Http http;
  static Bundle v1 = TestBundles.bundle("test-model", "1.0.0", 1);
  static Bundle v2 = TestBundles.bundle("test-model", "1.1.0", 2);

  @BeforeAll
  static void start() {
    TestGateways.preinstall(dataDir, v1, v2);
    gateway = Gateway.start(TestGateways.withMaxBody(TestGateways.config(dataDir), 16 * 1024));
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String row(float[] values) {
    return IntStream.range(0, values.length)
        .mapToObj(i -> Float.toString(values[i]))
        .collect(Collectors.joining(",", "[", "]"));
  }

  static String request(String data, String shape) {
    return "{\"id\": \"req-1\", \"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": "
        + shape
        + ", \"data\": "
        + data
        + "}]}";
  }

  @Test
  void serverMetadataNamesVigil() {
    Http.Response r = http.get("/v2");

    assertEquals(200, r.status());
    assertEquals("vigil", r.json().path("name").asText());
    assertEquals("application/json", r.contentType());
  }

  @Test
  void liveAndReadyAnswer200() {
    assertEquals(200, http.get("/v2/health/live").status());
    assertEquals(200, http.get("/v2/health/ready").status());
    assertEquals(200, http.get(DEMO + "/ready").status());
    assertEquals(200, http.get("/v2/models/test-model/versions/1.0.0/ready").status());
  }

  @Test
  void modelMetadataDescribesTheDemoModel() {
    JsonNode m = http.get(DEMO).json();

    assertEquals("wdbc-malignancy", m.path("name").asText());
    assertEquals("onnx_onnxv1", m.path("platform").asText());
    assertEquals("[\"1.0.0\"]", m.path("versions").toString());
    assertEquals("features", m.path("inputs").get(0).path("name").asText());
    assertEquals("FP32", m.path("inputs").get(0).path("datatype").asText());
    assertEquals("[-1,30]", m.path("inputs").get(0).path("shape").toString());
    assertEquals("probability", m.path("outputs").get(0).path("name").asText());
    assertTrue(m.path("parameters").path("demo").asBoolean());
    assertEquals(30, m.path("parameters").path("features").size());
  }

  @Test
  void versionMetadataNamesEveryVersionAndTheOneAsked() {
    JsonNode all = http.get("/v2/models/test-model").json();
    JsonNode one = http.get("/v2/models/test-model/versions/1.0.0").json();

    assertEquals("[\"1.0.0\",\"1.1.0\"]", all.path("versions").toString());
    assertEquals("1.1.0", all.path("parameters").path("version").asText());
    assertEquals("1.0.0", one.path("parameters").path("version").asText());
    assertEquals(v1.sha256(), one.path("parameters").path("bundle_sha256").asText());
  }

  @Test
  void infersMalignancyWithVersionAndBundleDigest() {
    Http.Response r = http.post(DEMO + "/infer", request(row(MALIGNANT), "[1, 30]"));

    assertEquals(200, r.status(), r.body());
    JsonNode body = r.json();
    assertEquals("wdbc-malignancy", body.path("model_name").asText());
    assertEquals("1.0.0", body.path("model_version").asText());
    assertEquals("req-1", body.path("id").asText());
    assertEquals(
        gateway.models().active("wdbc-malignancy").bundle().sha256(),
        body.path("parameters").path("bundle_sha256").asText());
    assertTrue(body.path("parameters").path("demo").asBoolean());
    JsonNode out = body.path("outputs").get(0);
    assertEquals("probability", out.path("name").asText());
    assertEquals("FP32", out.path("datatype").asText());
    assertEquals("[1,1]", out.path("shape").toString());
    assertTrue(out.path("data").get(0).asDouble() > 0.9, body.toString());
  }

  @Test
  void answersEachRowOfABatchInOrder() {
    String data =
        "["
            + row(MALIGNANT).replaceAll("[\\[\\]]", "")
            + ","
            + row(BENIGN).replaceAll("[\\[\\]]", "")
            + "]";

    JsonNode out =
        http.post(DEMO + "/infer", request(data, "[2, 30]")).json().path("outputs").get(0);

    assertEquals("[2,1]", out.path("shape").toString());
    assertTrue(out.path("data").get(0).asDouble() > 0.9);
    assertTrue(out.path("data").get(1).asDouble() < 0.1);
  }

  @Test
  void nestedDataGivesTheSameAnswerAsFlatData() {
    String flat =
        http.post(DEMO + "/infer", request(row(BENIGN), "[1, 30]"))
            .json()
            .path("outputs")
            .toString();
    String nested =
        http.post(DEMO + "/infer", request("[" + row(BENIGN) + "]", "[1, 30]"))
            .json()
            .path("outputs")
            .toString();

    assertEquals(flat, nested);
  }

  @Test
  void honoursTheOutputsFilterAndAcceptsParameters() {
    String body =
        "{\"parameters\": {\"trace\": true}, \"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 30], \"parameters\": {}, \"data\": "
            + row(BENIGN)
            + "}], \"outputs\": [{\"name\": \"probability\", \"parameters\": {}}]}";

    Http.Response r = http.post(DEMO + "/infer", body);

    assertEquals(200, r.status(), r.body());
    assertEquals(1, r.json().path("outputs").size());
    assertTrue(r.json().path("id").isMissingNode());
  }

  @Test
  void infersOnAnExplicitVersion() {
    Http.Response r =
        http.post(
            "/v2/models/test-model/versions/1.0.0/infer",
            "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 2, 3]}]}");

    assertEquals(200, r.status(), r.body());
    assertEquals("1.0.0", r.json().path("model_version").asText());
    assertEquals(v1.sha256(), r.json().path("parameters").path("bundle_sha256").asText());
    assertEquals(
        TestBundles.expected(new float[] {1, 2, 3}),
        r.json().path("outputs").get(0).path("data").get(0).floatValue(),
        1e-6);
  }

  @Test
  void theActiveVersionIsTheHighestRelease() {
    Http.Response r =
        http.post(
            "/v2/models/test-model/infer",
            "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 2, 3]}]}");

    assertEquals("1.1.0", r.json().path("model_version").asText());
    assertNotEquals(v1.sha256(), r.json().path("parameters").path("bundle_sha256").asText());
  }

  @Test
  void rejectsMalformedJsonAndSaysWhere() {
    Http.Response r = http.post(DEMO + "/infer", "{\"inputs\": [");

    assertEquals(400, r.status());
    assertTrue(r.error().startsWith("request body is not valid JSON:"), r.error());
    assertTrue(r.error().contains("line 1, column"), r.error());
  }

  @Test
  void rejectsBadTensorsNamingTheTensorAndTheProblem() {
    String badDatatype = request(row(BENIGN), "[1, 30]").replace("FP32", "INT64");
    assertError(400, "input features: datatype INT64 does not match the model's FP32", badDatatype);
    assertError(
        400,
        "input features: shape [1, 29] does not match the model's [-1, 30] (rows first, at least one)",
        request(row(BENIGN), "[1, 29]"));
    assertError(
        400,
        "input features: shape [2, 30] needs 60 values, got 30",
        request(row(BENIGN), "[2, 30]"));
    assertError(
        400,
        "input features: nested data does not match shape [1, 30]",
        request("[[1, 2], [3]]", "[1, 30]"));
    assertError(
        400,
        "unknown input 'feature'; model wdbc-malignancy takes [features]",
        request(row(BENIGN), "[1, 30]").replace("\"features\"", "\"feature\""));
    assertError(400, "request has no inputs", "{\"inputs\": []}");
    assertError(400, "request body is empty; expected an OIP v2 inference request (JSON)", "");
    assertError(
        400,
        "unknown output 'label'; model wdbc-malignancy returns [probability]",
        request(row(BENIGN), "[1, 30]")
            .replace("]}]}", "]}], \"outputs\": [{\"name\": \"label\"}]}"));
    assertError(
        400,
        "inputs[0].data must hold numbers, got abc at value 0",
        request("[\"abc\"]", "[1, 30]"));
  }

  @Test
  void rejectsNaNInfinityMissingAndImplausibleValuesByName() {
    String nan = row(BENIGN).replaceFirst("13.54", "NaN");
    assertError(
        400,
        "input features: row 0, feature radius_mean (column 0) is NaN",
        request(nan, "[1, 30]"));
    String huge = row(BENIGN).replaceFirst("14.36", "1e39");
    assertError(
        400,
        "input features: row 0, feature texture_mean (column 1) is infinite or beyond the range of FP32",
        request(huge, "[1, 30]"));
    String missing = row(BENIGN).replaceFirst("87.46", "null");
    assertError(
        400,
        "input features: row 0, feature perimeter_mean (column 2) is missing; it is required",
        request(missing, "[1, 30]"));
    String negative = row(BENIGN).replaceFirst("566.3", "-5");
    Http.Response r = http.post(DEMO + "/infer", request(negative, "[1, 30]"));
    assertEquals(400, r.status());
    assertTrue(
        r.error()
            .startsWith(
                "input features: row 0, feature area_mean (column 3) = -5.0 is outside the plausible range [0.0, "),
        r.error());
  }

  @Test
  void aRequestIdThatCannotBeRecordedIs400() {
    String body = request(row(BENIGN), "[1, 30]").replace("\"req-1\"", "\"bad\\ud800id\"");

    Http.Response r = http.post(DEMO + "/infer", body);

    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().startsWith("the request cannot be recorded as it is"), r.error());
  }

  @Test
  void unknownModelOrVersionIs404() {
    assertError(404, "model 'nope' is not installed; installed: ", null, "/v2/models/nope");
    assertError(
        404,
        "model 'wdbc-malignancy' has no version '9.9.9'; it has [1.0.0]",
        null,
        DEMO + "/versions/9.9.9");
    assertError(
        404,
        "model 'nope' is not installed; installed: ",
        request(row(BENIGN), "[1, 30]"),
        "/v2/models/nope/infer");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    assertError(404, "no such endpoint: GET /v3", null, "/v3");
    Http.Response r = http.get(DEMO + "/infer");
    assertEquals(405, r.status());
    assertTrue(r.error().startsWith("method GET is not allowed"), r.error());
  }

  @Test
  void aBodyOverTheLimitIs413() {
    float[][] rows = new float[100][];
    Arrays.fill(rows, BENIGN);
    String data =
        Arrays.stream(rows).map(OipApiTest::row).collect(Collectors.joining(",", "[", "]"));

    Http.Response r = http.post(DEMO + "/infer", request(data, "[100, 30]"));

    assertEquals(413, r.status());
    assertEquals("request body is larger than the limit of 16384 bytes", r.error());
  }

  private static void assertError(int status, String message, String body) {
    assertError(status, message, body, DEMO + "/infer");
  }

  private static void assertError(int status, String messageStart, String body, String path) {
    Http.Response r = body == null ? http.get(path) : http.post(path, body);
    assertEquals(status, r.status(), r.body());
    assertEquals("application/json", r.contentType());
    assertTrue(
        r.error().startsWith(messageStart),
        "expected '" + messageStart + "', got '" + r.error() + "'");
  }
}
