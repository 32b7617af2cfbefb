package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway process under the systemd unit's -Xmx256m, flooded with concurrent bodies near a
 * large {@code server.max-body-bytes}: every request ends in an answer, none in an
 * OutOfMemoryError.
 */
class LargeBodiesTest {

  private static final int MAX_BODY = 48 << 20;
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 413, 429);

  @TempDir Path dir;

  @Test
  void manyConcurrentNearMaximumBodiesEndIn413Or429AndTheGatewayKeepsAnswering() throws Exception {
    // given a gateway of 256 MiB of heap that accepts bodies of 48 MiB
    Path dataDir = dir.resolve("data");
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    Path config = TestGateways.configFile(dir, dataDir, "  max-body-bytes: 48MiB\n", "");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    try (GatewayProcess vigil = GatewayProcess.start(dir, "serve", "--config", config.toString())) {
      URI infer = URI.create("http://127.0.0.1:" + vigil.port() + "/v2/models/test-model/infer");

      // when 24 clients at once send bodies of 47 to 49 MiB (1.1 GiB in all): valid requests
      // padded with a parameter the gateway skips, dense data arrays far over the model's rows,
      // chunked bodies, and bodies over the limit (clients that wait for a 100 Continue are in
      // BodyBudgetTest: Java 17's HttpClient hangs when the answer to one is not 100, JDK-8286171)
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        HttpRequest.Builder request = HttpRequest.newBuilder(infer).timeout(Duration.ofSeconds(60));
        String kind;
        switch (i % 6) {
          case 0, 1 -> {
            kind = "padded";
            request.POST(known(Body.padded(MAX_BODY - i * 4096)));
          }
          case 2, 3 -> {
            kind = "dense data";
            request.POST(known(Body.dense(MAX_BODY - i * 4096)));
          }
          case 4 -> {
            // Chunked: no Content-Length, so the gateway counts the body as it arrives.
            kind = "chunked";
            Body body = i % 12 == 4 ? Body.padded(MAX_BODY - 4096) : Body.dense(MAX_BODY - 4096);
            request.POST(HttpRequest.BodyPublishers.ofInputStream(body::open));
          }
          default -> {
            kind = "over the limit";
            request.POST(known(Body.padded(MAX_BODY + (1 << 20))));
          }
        }
        answers.add(
            client
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle(
                    (r, e) ->
                        kind
                            + " -> "
                            + (e == null ? r.statusCode() + " " + r.body() : e.toString())));
      }

      // then every request gets an answer of 200, 400, 413 or 429
      Map<String, Integer> tally = new TreeMap<>();
      for (CompletableFuture<String> answer : answers) {
        String a = answer.get(90, TimeUnit.SECONDS);
        String outcome = a.substring(0, Math.min(a.length(), a.indexOf(" -> ") + 7));
        tally.merge(outcome, 1, Integer::sum);
        int status = Integer.parseInt(a.substring(a.indexOf(" -> ") + 4).split(" ", 2)[0]);
        assertTrue(EXPECTED.contains(status), a);
      }
      assertTrue(tally.keySet().stream().anyMatch(k -> k.endsWith("429")), tally.toString());
      assertEquals(4, tally.getOrDefault("over the limit -> 413", 0), tally.toString());

      // and the gateway is alive, answers a normal request, and never ran out of memory
      assertTrue(vigil.alive(), vigil.output().toString());
      assertEquals(200, TestGateways.inferTestRow(client, vigil.port(), 1.0f));
      vigil.terminate();
      assertEquals(143, vigil.waitFor(60), vigil.output().toString());
      List<String> output = vigil.output();
      assertTrue(output.stream().noneMatch(l -> l.contains("OutOfMemoryError")), output.toString());
      assertTrue(
          output.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + output);
      assertTrue(output.stream().noneMatch(l -> l.contains("{0}")), output.toString());
    }
  }

  private static HttpRequest.BodyPublisher known(Body body) {
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(body::open), body.size());
  }

  /** A request body of {@code size} bytes, generated as it is sent rather than held. */
  private record Body(String head, byte filler, String tail, int size) {

    /** A valid one-row request, padded with a parameter that the gateway skips. */
    static Body padded(int size) {
      return new Body(
          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\":"
              + " [1, 2, 3]}], \"parameters\": {\"padding\": \"",
          (byte) 'a',
          "\"}}",
          size);
    }

    /** A request whose data array holds millions of values: far more than the model's rows. */
    static Body dense(int size) {
      return new Body(
          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [",
          (byte) '1',
          "1]}]}",
          size);
    }

    InputStream open() {
      byte[] start = head.getBytes(StandardCharsets.US_ASCII);
      byte[] end = tail.getBytes(StandardCharsets.US_ASCII);
      return new InputStream() {
        private long position;

        @Override
        public int read() {
          if (position == size) {
            return -1;
          }
          long p = position++;
          if (p < start.length) {
            return start[(int) p];
          }
          if (p >= size - end.length) {
            return end[(int) (p - (size - end.length))];
          }
          // dense data alternates digits and commas
          return filler == 'a' || (p - start.length) % 2 == 0 ? filler : ',';
        }

        @Override
        public int read(byte[] into, int offset, int length) {
          int n = 0;
          while (n < length) {
            int b = read();
            if (b < 0) {
              return n == 0 ? -1 : n;
            }
            into[offset + n++] = (byte) b;
          }
          return n;
        }
      };
    }
  }
}
