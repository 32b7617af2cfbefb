package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.LimitsConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.TestBundles;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits per device and per model on a running gateway over real sockets: a device over its rate or
 * its requests in flight gets 429 with Retry-After while other devices are served; a body over its
 * model's limit gets 413 naming it; headers over the limit get 431.
 */
class DeviceLimitsOverHttpTest {

  private static final String INFER = "/v2/models/test-model/infer";
  private static final String ROW =
      "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3],"
          + " \"data\": [1, 1.5, -2]}]}";

  @TempDir static Path dataDir;
  static Gateway gateway;
  static Http http;

  @BeforeAll
  static void start() {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    VigilConfig config = TestGateways.withoutDemo(TestGateways.config(dataDir));
    LimitsConfig limits =
        LimitsConfig.defaults()
            .withDeviceRate(1, 2)
            .withDeviceConcurrency(1)
            .withModelMaxBody(Map.of("test-model", 1024L));
    config =
        TestGateways.withLimits(TestGateways.withTrustedProxyHeader(config, "X-Device-Id"), limits);
    gateway = Gateway.start(config);
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void aDeviceOverItsRateLimitGets429WhileOthersAreServed() {
    // given a device that spent its burst of 2
    assertEquals(200, infer("pump-1", ROW).status());
    assertEquals(200, infer("pump-1", ROW).status());

    // when it sends a third at once
    Http.Response over = infer("pump-1", ROW);

    // then it is refused and told when to come back, and another device is served
    assertEquals(429, over.status(), over.body());
    assertEquals("1", over.retryAfter());
    assertEquals(
        "device pump-1 is over its rate limit of 1 requests per second with bursts of 2"
            + " (server.limits.device-rate, device-burst); retry after 1 s",
        over.error());
    assertEquals(200, infer("pump-2", ROW).status());
  }

  @Test
  void aDeviceAtItsConcurrencyGets429UntilItsRequestInFlightEnds() throws Exception {
    try (RawHttp slow = new RawHttp(gateway.port())) {
      // given a request of monitor-1 in flight: its headers sent, its body not yet
      slow.write(
          "POST "
              + INFER
              + " HTTP/1.1\r\nHost: vigil\r\nX-Device-Id: monitor-1\r\n"
              + "Content-Type: application/json\r\nContent-Length: "
              + ROW.length()
              + "\r\n\r\n{");
      Thread.sleep(200);

      // when monitor-1 sends another
      Http.Response second = infer("monitor-1", ROW);

      // then it is refused while monitor-2 is served
      assertEquals(429, second.status(), second.body());
      assertEquals("1", second.retryAfter());
      assertTrue(
          second.error().startsWith("device monitor-1 already has 1 requests in flight"),
          second.error());
      assertEquals(200, infer("monitor-2", ROW).status());

      // and once the first request is complete and answered, monitor-1 is served again
      slow.write(ROW.substring(1));
      assertTrue(slow.response(5000).startsWith("HTTP/1.1 200"));
    }
    Thread.sleep(1000);
    Http.Response third = infer("monitor-1", ROW);
    assertEquals(200, third.status(), third.body());
  }

  @Test
  void aBodyOverItsModelsLimitGets413NamingTheModelsLimit() {
    String padded =
        ROW.replace("]}]}", "]}], \"parameters\": {\"note\": \"" + "a".repeat(2000) + "\"}}");

    Http.Response r = infer("scanner-1", padded);

    assertEquals(413, r.status(), r.body());
    assertEquals(
        "request body is larger than the limit of 1024 bytes for model test-model"
            + " (server.limits.model-max-body)",
        r.error());
  }

  @Test
  void headersOverTheLimitGet431WithAnErrorThatNamesTheLimit() throws Exception {
    try (RawHttp client = new RawHttp(gateway.port())) {
      client.write(
          "GET /v2/health/live HTTP/1.1\r\nHost: vigil\r\nX-Padding: "
              + "a".repeat(16 * 1024)
              + "\r\n\r\n");

      String response = client.response(5000);

      assertTrue(response.startsWith("HTTP/1.1 431"), response);
      assertTrue(
          response.endsWith(
              "{\"error\":\"request headers are larger than the limit of 8192 bytes"
                  + " (server.limits.max-header-bytes)\"}"),
          response);
      assertTrue(client.closedWithin(5000), "the connection is closed after the answer");
    }
  }

  private static Http.Response infer(String device, String body) {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + INFER))
            .header("content-type", "application/json")
            .header("X-Device-Id", device)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
