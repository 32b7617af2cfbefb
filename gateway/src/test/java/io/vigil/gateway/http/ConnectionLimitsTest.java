package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.LimitsConfig;
import io.vigil.inference.TestBundles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits on connections over real sockets: a client that sends its headers a byte at a time is cut
 * off at {@code idle-timeout}, one whose body does not arrive in time at {@code request-timeout},
 * while a well-behaved device is served promptly, and a flood of connections beyond {@code
 * max-connections} is closed while a device's open connection is still answered; over HTTP/2, a
 * stream whose body does not arrive in time gets 408 while the connection's other streams are
 * served.
 */
@ExtendWith(VertxExtension.class)
class ConnectionLimitsTest {

  private static final String INFER = "/v2/models/test-model/infer";
  private static final String ROW =
      "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3],"
          + " \"data\": [1, 1.5, -2]}]}";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  private static final int MAX_CONNECTIONS = 4;

  @TempDir Path dataDir;
  Gateway gateway;

  @BeforeEach
  void start() {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    gateway =
        Gateway.start(
            TestGateways.withLimits(
                TestGateways.withoutDemo(TestGateways.config(dataDir)),
                LimitsConfig.defaults()
                    .withConnections(MAX_CONNECTIONS, IDLE_TIMEOUT, REQUEST_TIMEOUT, 8192)));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void aClientSendingItsHeadersByteByByteIsCutOffWhileADeviceIsServedPromptly() throws Exception {
    try (RawHttp loris = new RawHttp(gateway.port())) {
      // given a client that sends a header line one byte every 100 ms, never finishing
      long started = System.nanoTime();
      CompletableFuture<Long> cut =
          CompletableFuture.supplyAsync(
              () -> {
                String line = "POST " + INFER + " HTTP/1.1\r\nHost: vigil\r\nX-Slow: ";
                for (int i = 0; ; i++) {
                  if (!loris.write(i < line.length() ? line.substring(i, i + 1) : "a")) {
                    return System.nanoTime() - started;
                  }
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1L;
                  }
                }
              });

      // when a device sends requests meanwhile
      long slowestMillis = 0;
      for (int i = 0; i < 10; i++) {
        try (RawHttp device = new RawHttp(gateway.port())) {
          long t = System.nanoTime();
          String response = device.response(request(ROW), 5000);
          slowestMillis = Math.max(slowestMillis, (System.nanoTime() - t) / 1_000_000);
          assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
        Thread.sleep(100);
      }

      // then the device was served promptly and the slow client was cut off at the idle timeout,
      // its unfinished headers counting as no activity however often their bytes come
      long cutMillis = cut.get(10, TimeUnit.SECONDS) / 1_000_000;
      System.out.printf(
          "slow loris cut after %d ms; the device's slowest answer took %d ms%n",
          cutMillis, slowestMillis);
      assertTrue(
          cutMillis >= REQUEST_TIMEOUT.toMillis() - 100
              && cutMillis < IDLE_TIMEOUT.toMillis() + 2000,
          "cut after " + cutMillis + " ms");
      assertTrue(slowestMillis < 1000, "slowest answer " + slowestMillis + " ms");
    }
  }

  @Test
  void aRequestWhoseBodyDoesNotArriveInTimeGets408AndItsConnectionIsClosed() throws Exception {
    try (RawHttp slow = new RawHttp(gateway.port())) {
      // given headers that promise a body, and only its first byte
      slow.write(
          "POST "
              + INFER
              + " HTTP/1.1\r\nHost: vigil\r\nContent-Type: application/json\r\nContent-Length: "
              + ROW.length()
              + "\r\n\r\n{");

      // when the deadline passes
      String response = slow.response(5000);

      // then the gateway says why and closes the connection
      assertTrue(response.startsWith("HTTP/1.1 408"), response);
      assertTrue(
          response.endsWith(
              "{\"error\":\"the request did not arrive whole within 2000 ms"
                  + " (server.limits.request-timeout); the connection is closed\"}"),
          response);
      assertTrue(slow.closedWithin(2000));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedWhileADevicesOpenConnectionIsStillAnswered()
      throws Exception {
    try (RawHttp device = new RawHttp(gateway.port())) {
      // given a device with a kept-alive connection that has been answered
      assertTrue(device.response(request(ROW), 5000).startsWith("HTTP/1.1 200"));

      // when a flood of connections arrives, each sending a request
      List<RawHttp> flood = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          RawHttp c = new RawHttp(gateway.port());
          flood.add(c);
          c.write("GET /v2/health/live HTTP/1.1\r\nHost: vigil\r\n\r\n");
        }
        int closed = 0;
        for (RawHttp c : flood) {
          if (c.response(2000).isEmpty()) {
            closed++;
          }
        }

        // then those beyond the limit were closed unanswered, and the device is still answered
        assertEquals(20 - (MAX_CONNECTIONS - 1), closed);
        assertTrue(device.response(request(ROW), 5000).startsWith("HTTP/1.1 200"));
      } finally {
        for (RawHttp c : flood) {
          c.close();
        }
      }
    }
  }

  @Test
  void anHttp2StreamWhoseBodyDoesNotArriveInTimeGets408WhileItsConnectionServesOthers(
      Vertx vertx, VertxTestContext test) {
    HttpClient h2 =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    long started = System.nanoTime();
    // given a stream whose headers promise a body of which only the first byte is sent
    h2.request(HttpMethod.POST, gateway.port(), "127.0.0.1", INFER)
        .compose(
            slow -> {
              slow.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(ROW.length()));
              slow.write("{");
              // when another stream on the same connection sends a whole request meanwhile
              return h2.request(HttpMethod.POST, gateway.port(), "127.0.0.1", INFER)
                  .compose(fast -> fast.send(Buffer.buffer(ROW)))
                  .compose(fast -> fast.body().map(b -> fast.statusCode()))
                  .compose(
                      fastStatus ->
                          slow.response()
                              .compose(r -> r.body().map(b -> new Object[] {fastStatus, r, b})));
            })
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          // then the whole one is answered, and the late one gets 408 at its
                          // deadline, over HTTP/2, saying why
                          long millis = (System.nanoTime() - started) / 1_000_000;
                          HttpClientResponse late = (HttpClientResponse) r[1];
                          assertEquals(200, r[0]);
                          assertEquals(HttpVersion.HTTP_2, late.version());
                          assertEquals(408, late.statusCode());
                          assertEquals(
                              "{\"error\":\"the request did not arrive whole within 2000 ms"
                                  + " (server.limits.request-timeout); the stream is ended\"}",
                              r[2].toString());
                          assertTrue(
                              millis >= REQUEST_TIMEOUT.toMillis()
                                  && millis < REQUEST_TIMEOUT.toMillis() + 1500,
                              "408 after " + millis + " ms");
                          test.completeNow();
                        })));
  }

  @Test
  void aGrpcCallWhoseMessageDoesNotArriveInTimeHasItsStreamReset(
      Vertx vertx, VertxTestContext test) {
    HttpClient h2 =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    long started = System.nanoTime();
    // given a gRPC call that sends the first bytes of its message's frame and nothing more
    h2.request(
            HttpMethod.POST,
            gateway.grpcPort(),
            "127.0.0.1",
            "/inference.GRPCInferenceService/ModelInfer")
        .compose(
            call -> {
              call.setChunked(true)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
                  .putHeader("te", "trailers");
              call.write(Buffer.buffer(new byte[] {0, 0, 0}));
              return call.response();
            })
        .onComplete(
            done ->
                test.verify(
                    () -> {
                      // then, at its deadline, the stream is reset and no answer comes
                      long millis = (System.nanoTime() - started) / 1_000_000;
                      assertTrue(done.failed(), "no answer to a call that never arrived");
                      assertTrue(
                          done.cause() instanceof io.vertx.core.http.StreamResetException,
                          String.valueOf(done.cause()));
                      assertTrue(
                          millis >= REQUEST_TIMEOUT.toMillis()
                              && millis < REQUEST_TIMEOUT.toMillis() + 1500,
                          "reset after " + millis + " ms");
                      test.completeNow();
                    }));
  }

  private static String request(String body) {
    return "POST "
        + INFER
        + " HTTP/1.1\r\nHost: vigil\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }
}
