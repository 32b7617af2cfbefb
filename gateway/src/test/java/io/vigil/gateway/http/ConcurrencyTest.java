package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import io.vigil.inference.batch.MicroBatcher;
import io.vigil.inference.validation.RangePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many devices at once, through the batcher or inline, over real sockets. */
class ConcurrencyTest {

  @TempDir Path dataDir;

  @Test
  void manyConcurrentClientsEachGetTheirOwnAnswerThroughTheBatcher() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    try (Gateway gateway =
        Gateway.start(
            TestGateways.withInference(
                TestGateways.config(dataDir),
                16,
                Duration.ofMillis(1),
                1024,
                2,
                RangePolicy.REJECT,
                8))) {
      int clients = 24;
      int requestsEach = 60;
      Set<Long> seqs = ConcurrentHashMap.newKeySet();
      int answered = sendFromManyClients(gateway, clients, requestsEach, seqs);

      assertEquals(clients * requestsEach, answered);
      assertEquals(answered, seqs.size(), "every answer has its own ledger entry");
      MicroBatcher batcher = gateway.models().active("test-model").batcher();
      assertEquals(0, batcher.inlineRuns(), "inline-below 0 sends every request to the runners");
      assertTrue(batcher.runs() > 0, "runs: " + batcher.runs());
    }
  }

  @Test
  void aFullQueueAnswers429WithRetryAfter() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.slowBundle());
    try (Gateway gateway =
        Gateway.start(
            TestGateways.withInference(
                TestGateways.config(dataDir), 1, Duration.ZERO, 1, 1, RangePolicy.REJECT, 5000))) {
      Http http = new Http(gateway.port());
      StringBuilder big = new StringBuilder("[");
      for (int k = 0; k < 4000 * 3; k++) {
        big.append(k == 0 ? "" : ",").append(k % 7);
      }
      String slow =
          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [4000, 3], \"data\": "
              + big
              + "]}]}";
      String small =
          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 2, 3]}]}";
      ExecutorService pool = Executors.newFixedThreadPool(8);
      Future<Http.Response> first =
          pool.submit(() -> http.post("/v2/models/slow-model/infer", slow));
      Thread.sleep(100);
      List<Future<Http.Response>> others = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        others.add(pool.submit(() -> http.post("/v2/models/slow-model/infer", small)));
      }

      List<Http.Response> refused = new ArrayList<>();
      for (Future<Http.Response> f : others) {
        Http.Response r = f.get(60, TimeUnit.SECONDS);
        if (r.status() == 429) {
          refused.add(r);
        } else {
          assertEquals(200, r.status(), r.body());
        }
      }
      pool.shutdown();

      assertEquals(200, first.get(60, TimeUnit.SECONDS).status());
      assertTrue(
          !refused.isEmpty(),
          "with one runner busy and a queue of one, some of six requests are refused");
      assertEquals("1", refused.get(0).retryAfter());
      assertTrue(
          refused.get(0).error().contains("requests waiting; retry shortly"),
          refused.get(0).error());
    }
  }

  @Test
  void aTinyModelRunsOnTheEventLoopsWithEveryAnswerRecorded() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      MicroBatcher batcher = gateway.models().active("test-model").batcher();
      assertTrue(
          batcher.runsInline(),
          "test-model takes " + batcher.rowNanos() + " ns per row, under the default 100 us");

      Set<Long> seqs = ConcurrentHashMap.newKeySet();
      int answered = sendFromManyClients(gateway, 16, 50, seqs);

      assertEquals(16 * 50, answered);
      assertEquals(answered, seqs.size(), "every answer has its own ledger entry");
      assertTrue(batcher.inlineRuns() > 0, "inline runs: " + batcher.inlineRuns());
      assertEquals(answered, batcher.runs(), "one run per request: nothing was batched");
    }
  }

  /**
   * {@code clients} threads each send {@code requestsEach} requests of 1 to 3 random rows to
   * test-model, check every answer against the model's formula and collect its ledger sequence.
   */
  private static int sendFromManyClients(
      Gateway gateway, int clients, int requestsEach, Set<Long> seqs) throws Exception {
    Http http = new Http(gateway.port());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Integer>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      done.add(
          pool.submit(
              () -> {
                SplittableRandom random = new SplittableRandom(client);
                for (int i = 0; i < requestsEach; i++) {
                  int rows = 1 + random.nextInt(3);
                  float[] values = new float[rows * 3];
                  StringBuilder data = new StringBuilder("[");
                  for (int k = 0; k < values.length; k++) {
                    values[k] = (float) random.nextDouble(-20, 20);
                    data.append(k == 0 ? "" : ",").append(values[k]);
                  }
                  String id = "client-" + client + "-" + i;
                  Http.Response r =
                      http.post(
                          "/v2/models/test-model/infer",
                          "{\"id\": \""
                              + id
                              + "\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": ["
                              + rows
                              + ", 3], \"data\": "
                              + data
                              + "]}]}");
                  assertEquals(200, r.status(), r.body());
                  JsonNode body = r.json();
                  assertEquals(id, body.path("id").asText());
                  seqs.add(body.path("parameters").path("audit_seq").asLong());
                  JsonNode out = body.path("outputs").get(0).path("data");
                  assertEquals(rows, out.size());
                  for (int row = 0; row < rows; row++) {
                    float[] x = {values[row * 3], values[row * 3 + 1], values[row * 3 + 2]};
                    assertEquals(
                        TestBundles.expected(x),
                        out.get(row).floatValue(),
                        1e-5,
                        id + " row " + row);
                  }
                }
                return requestsEach;
              }));
    }
    int answered = 0;
    for (Future<Integer> f : done) {
      answered += f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return answered;
  }
}
