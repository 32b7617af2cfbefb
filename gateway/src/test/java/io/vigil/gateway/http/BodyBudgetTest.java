package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.LogCapture;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.TestBundles;
import io.vigil.inference.validation.RangePolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies are admitted within one memory budget for all connections: what would go over it
 * is refused with 429 before its body is read, and nothing of it is kept.
 */
class BodyBudgetTest {

  private static final long BUDGET = 64 * 1024;
  private static final String INFER = "/v2/models/test-model/infer";
  private static final String SHORT_OF_MEMORY =
      "the gateway is short of memory for request bodies right now: ";

  @TempDir Path dataDir;
  private Gateway gateway;
  private Http http;
  private LogCapture logs;

  @BeforeEach
  void start() {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    VigilConfig config =
        TestGateways.withInference(
            TestGateways.withBodyLimits(TestGateways.config(dataDir), BUDGET, BUDGET),
            32,
            Duration.ZERO,
            1024,
            1,
            RangePolicy.REJECT,
            1000);
    logs = LogCapture.start();
    gateway = Gateway.start(config);
    http = new Http(gateway.port());
  }

  @AfterEach
  void stop() {
    gateway.close();
    logs.close();
  }

  @Test
  void aBodyTheBudgetCannotHoldNowIs429BeforeItIsSentAndIsServedOnceTheBudgetIsFree()
      throws Exception {
    // given a request whose declared body holds most of the budget while it is still arriving
    byte[] large = padded(60_000);
    try (Socket first = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = first.getOutputStream();
      out.write(head(large.length, false));
      out.write(large, 0, 1000);
      out.flush();
      awaitHeld(60_000);

      // when another request declares a body that does not fit beside it, and sends none of it
      try (Socket second = new Socket("127.0.0.1", gateway.port())) {
        byte[] small = padded(10_000);
        second.getOutputStream().write(head(small.length, false));
        second.getOutputStream().flush();
        Raw refused = Raw.read(second.getInputStream());

        // then it is refused at once with 429 and Retry-After, and says why
        assertEquals(429, refused.status(), refused.body());
        assertEquals("1", refused.header("retry-after"));
        assertTrue(refused.body().contains(SHORT_OF_MEMORY), refused.body());
        assertTrue(
            refused.body().contains("(server.max-inflight-body-bytes) and this one needs 10000"),
            refused.body());
      }

      // and the first one, once sent, is answered, and its budget given back
      out.write(large, 1000, large.length - 1000);
      out.flush();
      Raw answered = Raw.read(first.getInputStream());
      assertEquals(200, answered.status(), answered.body());
    }
    awaitHeld(0);
    assertEquals(
        200, http.post(INFER, new String(padded(10_000), StandardCharsets.UTF_8)).status());
    logs.assertFormattedWithoutStackTraces();
  }

  @Test
  void aChunkedBodyIsCountedAsItArrives() throws Exception {
    byte[] large = padded(60_000);
    try (Socket first = new Socket("127.0.0.1", gateway.port())) {
      first.getOutputStream().write(head(large.length, false));
      first.getOutputStream().flush();
      awaitHeld(60_000);

      // when a chunked body grows past what is left of the budget
      Http.Response r =
          http.send(
              HttpRequest.newBuilder(URI.create(base() + INFER))
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(padded(20_000)))));

      // then it is refused with 429, and the connection it came on was left usable
      assertEquals(429, r.status(), r.body());
      assertTrue(r.error().startsWith(SHORT_OF_MEMORY), r.error());
    }
    awaitHeld(0);
    assertEquals(
        200, http.post(INFER, new String(padded(20_000), StandardCharsets.UTF_8)).status());
    logs.assertFormattedWithoutStackTraces();
  }

  @Test
  void aChunkedBodyOverTheLimitIs413() {
    Http.Response r =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + INFER))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(padded((int) BUDGET + 1)))));

    assertEquals(413, r.status(), r.body());
    assertEquals("request body is larger than the limit of " + BUDGET + " bytes", r.error());
    assertEquals(200, http.post(INFER, new String(padded(1000), StandardCharsets.UTF_8)).status());
  }

  @Test
  void decodedValuesCountAgainstTheBudgetUntilTheAnswer() throws Exception {
    // 700 rows of 3 values hold 700 * 3 * 32 bytes once decoded: more than the budget of 64 KiB,
    // though their body is a few KiB
    Http.Response over = http.post(INFER, rows(700));
    Http.Response under = http.post(INFER, rows(500));

    assertEquals(429, over.status(), over.body());
    assertEquals("1", over.retryAfter());
    assertTrue(over.error().contains("and this one needs 67200"), over.error());
    assertEquals(200, under.status(), under.body());
    awaitHeld(0);
  }

  @Test
  void aClientThatWaitsFor100ContinueIsRefusedWithoutSendingItsBody() throws Exception {
    byte[] large = padded(60_000);
    try (Socket first = new Socket("127.0.0.1", gateway.port())) {
      first.getOutputStream().write(head(large.length, false));
      first.getOutputStream().flush();
      awaitHeld(60_000);

      try (Socket second = new Socket("127.0.0.1", gateway.port())) {
        second.getOutputStream().write(head(10_000, true));
        second.getOutputStream().flush();
        InputStream in = second.getInputStream();
        Raw refused = Raw.read(in);

        assertEquals(429, refused.status(), refused.body());
        assertEquals("close", refused.header("connection"));
        assertEquals(-1, in.read(), "the gateway closes the connection: no body is coming");
      }
    }
    awaitHeld(0);
    try (Socket third = new Socket("127.0.0.1", gateway.port())) {
      byte[] body = padded(10_000);
      third.getOutputStream().write(head(body.length, true));
      third.getOutputStream().flush();
      InputStream in = third.getInputStream();
      assertEquals(100, Raw.read(in).status());
      third.getOutputStream().write(body);
      third.getOutputStream().flush();
      assertEquals(200, Raw.read(in).status());
    }
  }

  @Test
  void aChunkedBodyRefusedAfterA100ContinueIsDroppedAndItsConnectionServesTheNextRequest()
      throws Exception {
    try (Socket hold = new Socket("127.0.0.1", gateway.port());
        Socket socket = new Socket("127.0.0.1", gateway.port())) {
      hold.getOutputStream().write(head(60_000, false));
      hold.getOutputStream().flush();
      awaitHeld(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST "
                  + INFER
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                  + "Expect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals(100, Raw.read(in).status());

      // when the client, told to continue, sends chunks past what is left of the budget
      byte[] chunk = new byte[16 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      for (int i = 0; i < 3; i++) {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      // then it is refused, the rest is dropped, and the same connection answers the next request
      assertEquals(429, Raw.read(in).status());
      byte[] next = padded(1000);
      out.write(head(next.length, false));
      out.write(next);
      out.flush();
      assertEquals(200, Raw.read(in).status());
    }
    awaitHeld(0);
    logs.assertFormattedWithoutStackTraces();
  }

  private String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  private long heldBytes() {
    return gateway.bodyBudget().heldBytes();
  }

  private void awaitHeld(long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (heldBytes() != bytes && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(bytes, heldBytes(), "bytes held by request bodies");
  }

  private static byte[] head(int contentLength, boolean expectContinue) {
    return ("POST "
            + INFER
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + contentLength
            + "\r\n"
            + (expectContinue ? "Expect: 100-continue\r\n" : "")
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A valid request of exactly {@code size} bytes: one row, and padding the gateway skips. */
  static byte[] padded(int size) {
    String head =
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 2,"
            + " 3]}], \"parameters\": {\"padding\": \"";
    String tail = "\"}}";
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'a');
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, body, 0, head.length());
    System.arraycopy(
        tail.getBytes(StandardCharsets.US_ASCII), 0, body, size - tail.length(), tail.length());
    return body;
  }

  private static String rows(int rows) {
    StringBuilder data = new StringBuilder();
    for (int k = 0; k < rows * 3; k++) {
      data.append(k == 0 ? "" : ",").append(k % 7);
    }
    return "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": ["
        + rows
        + ", 3], \"data\": ["
        + data
        + "]}]}";
  }

  /** One HTTP/1.1 response read off a raw socket. */
  private record Raw(int status, String headers, String body) {

    static Raw read(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed after " + head);
        }
        head.write(b);
      }
      String headers = head.toString(StandardCharsets.US_ASCII);
      int status = Integer.parseInt(headers.substring(9, 12));
      Raw raw = new Raw(status, headers.toLowerCase(Locale.ROOT), "");
      String length = raw.header("content-length");
      byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
      return new Raw(status, raw.headers(), new String(body, StandardCharsets.UTF_8));
    }

    String header(String name) {
      for (String line : headers.split("\r\n")) {
        if (line.startsWith(name + ":")) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }
  }
}
