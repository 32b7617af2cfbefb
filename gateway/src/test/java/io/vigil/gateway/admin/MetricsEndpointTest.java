package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} over a real socket, on a running gateway that has answered requests. */
@ExtendWith(VertxExtension.class)
class MetricsEndpointTest {

  private static final String MODEL = "test-model";
  private static final String VERSION = "1.0.0";
  private static final String INFER = "/v2/models/" + MODEL + "/infer";

  /** A model that fails in ONNX Runtime for two rows or more. */
  private static final String FAILING = "fails-model";

  @TempDir Path dataDir;
  private Gateway gateway;
  private HttpClient client;
  private Vertx vertx;

  @BeforeEach
  void aGatewayServingTheTestModel(Vertx vertx) {
    this.vertx = vertx;
    TestGateways.preinstall(
        dataDir, TestBundles.bundle(MODEL, VERSION, 1), TestBundles.failingBundle(FAILING));
    gateway =
        Gateway.start(
            TestGateways.withMaxBody(
                TestGateways.withoutDemo(TestGateways.config(dataDir)), 4 * 1024));
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  static String row(float first, String shape) {
    return "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": "
        + shape
        + ", \"data\": ["
        + first
        + ", 1.5, -2]}]}";
  }

  @Test
  void countsEachAnswerByModelVersionAndStatusInValidPrometheusText(VertxTestContext test) {
    // given answers of each kind, sent one after the other
    List<Supplier<Future<Answer>>> requests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      float first = i;
      requests.add(() -> infer(INFER, row(first, "[1, 3]")));
    }
    requests.add(() -> infer(INFER, row(1, "[1, 2]")));
    requests.add(() -> infer("/v2/models/no-such-model/infer", row(1, "[1, 3]")));
    requests.add(() -> infer("/v2/models/" + MODEL + "/versions/9.9.9/infer", row(1, "[1, 3]")));
    requests.add(() -> infer(INFER, " ".repeat(8 * 1024)));
    requests.add(
        () ->
            infer(
                "/v2/models/" + FAILING + "/infer",
                "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [2, 3],"
                    + " \"data\": [1, 2, 3, 4, 5, 6]}]}"));
    Future<List<Integer>> statuses = Future.succeededFuture(new ArrayList<>());
    for (Supplier<Future<Answer>> r : requests) {
      statuses =
          statuses.compose(
              list ->
                  r.get()
                      .map(
                          a -> {
                            list.add(a.status());
                            return list;
                          }));
    }

    // when /metrics is scraped
    statuses
        .compose(list -> scrapeCounting(list.size()).map(scrape -> new Scraped(list, scrape)))
        .onComplete(
            test.succeeding(
                s ->
                    test.verify(
                        () -> {
                          // then the text is valid, and counts what was answered
                          assertEquals(
                              List.of(200, 200, 200, 400, 404, 404, 413, 500), s.statuses());
                          assertEquals(200, s.scrape().status());
                          assertEquals(AdminVerticle.PROMETHEUS_TEXT, s.scrape().contentType());
                          PrometheusText text = PrometheusText.parse(s.scrape().body());
                          assertCounted(text);
                          test.completeNow();
                        })));
  }

  @Test
  void countsAnswersOverHttp2(Vertx vertx, VertxTestContext test) {
    // given 20 answers over HTTP/2 without TLS (h2c, as the JDK's client negotiates by default and
    // a
    // gRPC client speaks), each on a stream that closes once its answer is sent
    int n = 20;
    HttpClient h2 =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    Future<Integer> answered = Future.succeededFuture(0);
    for (int i = 0; i < n; i++) {
      float first = i;
      answered =
          answered.compose(
              count ->
                  h2.request(HttpMethod.POST, gateway.port(), "127.0.0.1", INFER)
                      .compose(req -> req.send(Buffer.buffer(row(first, "[1, 3]"))))
                      .compose(
                          resp ->
                              resp.body()
                                  .map(
                                      b ->
                                          resp.version() == HttpVersion.HTTP_2
                                                  && resp.statusCode() == 200
                                              ? count + 1
                                              : count)));
    }

    // when /metrics is scraped, then each answer was counted
    answered
        .compose(count -> scrapeCounting(n).map(scrape -> new Object[] {count, scrape}))
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          assertEquals(n, r[0], "answers over HTTP/2 with status 200");
                          PrometheusText text = PrometheusText.parse(((Answer) r[1]).body());
                          assertEquals(
                              n,
                              text.value(
                                  "vigil_inference_requests_total",
                                  "model",
                                  MODEL,
                                  "version",
                                  VERSION,
                                  "status",
                                  "200"));
                          test.completeNow();
                        })));
  }

  private static void assertCounted(PrometheusText text) {
    String requests = "vigil_inference_requests_total";
    assertEquals("counter", text.family(requests).type());
    assertEquals(3, text.value(requests, "model", MODEL, "version", VERSION, "status", "200"));
    assertEquals(1, text.value(requests, "model", MODEL, "version", VERSION, "status", "400"));
    assertEquals(1, text.value(requests, "model", MODEL, "version", VERSION, "status", "413"));
    assertEquals(1, text.value(requests, "model", MODEL, "version", "unknown", "status", "404"));
    assertEquals(
        1, text.value(requests, "model", "unknown", "version", "unknown", "status", "404"));
    assertEquals(1, text.value(requests, "model", FAILING, "version", "1.0.0", "status", "500"));

    assertEquals("histogram", text.family("vigil_inference_latency_seconds").type());
    String latency = "vigil_inference_latency_seconds_count";
    assertEquals(5, text.value(latency, "model", MODEL, "version", VERSION));
    assertEquals(1, text.value(latency, "model", MODEL, "version", "unknown"));
    assertEquals(1, text.value(latency, "model", "unknown", "version", "unknown"));
    assertTrue(
        text.value("vigil_inference_latency_seconds_sum", "model", MODEL, "version", VERSION) > 0);

    // each of the three answers was one ONNX Runtime run of one row
    String[] version = {"model", MODEL, "version", VERSION};
    assertEquals("histogram", text.family("vigil_batch_size").type());
    assertEquals(3, text.value("vigil_batch_size_count", version));
    assertEquals(3, text.value("vigil_batch_size_sum", version));
    assertEquals(3, text.value("vigil_batch_size_bucket", append(version, "le", "1.0")));
    assertEquals("gauge", text.family("vigil_batch_queue_depth").type());
    assertEquals(0, text.value("vigil_batch_queue_depth", version));

    // the start-up events and the three predictions were committed in groups
    assertEquals("histogram", text.family("vigil_ledger_commit_latency_seconds").type());
    double commits = text.value("vigil_ledger_commit_latency_seconds_count");
    double entries = text.value("vigil_ledger_commit_entries_sum");
    assertTrue(commits >= 1, "commits: " + commits);
    assertEquals(commits, text.value("vigil_ledger_commit_entries_count"));
    assertTrue(
        entries >= 3 && entries <= text.value("vigil_ledger_entries"),
        entries + " of " + text.value("vigil_ledger_entries"));

    assertEquals(1, text.value("vigil_ready"));
    assertEquals(1, text.value("vigil_ledger_healthy"));
    assertEquals(0, text.value("vigil_disk_low"));
    assertTrue(text.value("vigil_disk_free_bytes") > 0);
  }

  private static String[] append(String[] pairs, String... more) {
    String[] all = new String[pairs.length + more.length];
    System.arraycopy(pairs, 0, all, 0, pairs.length);
    System.arraycopy(more, 0, all, pairs.length, more.length);
    return all;
  }

  private record Answer(int status, String contentType, String body) {}

  private record Scraped(List<Integer> statuses, Answer scrape) {}

  private Future<Answer> infer(String path, String body) {
    return client
        .request(HttpMethod.POST, gateway.port(), "127.0.0.1", path)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(this::answer);
  }

  /**
   * Scrapes {@code /metrics} until it counts {@code answers} inference requests, or for 5 s. An
   * answer is counted once its last byte is written, which the client can see before the gateway's
   * event loop does: a scrape sent at once may come a moment early.
   */
  private Future<Answer> scrapeCounting(int answers) {
    return scrapeCounting(answers, System.nanoTime() + 5_000_000_000L);
  }

  private Future<Answer> scrapeCounting(int answers, long deadline) {
    return get("/metrics")
        .compose(
            scrape -> {
              double counted =
                  PrometheusText.parse(scrape.body())
                      .samples("vigil_inference_requests_total")
                      .stream()
                      .mapToDouble(PrometheusText.Sample::value)
                      .sum();
              if (counted >= answers || System.nanoTime() > deadline) {
                return Future.succeededFuture(scrape);
              }
              return vertx.timer(20).compose(t -> scrapeCounting(answers, deadline));
            });
  }

  private Future<Answer> get(String path) {
    return client
        .request(HttpMethod.GET, gateway.adminPort(), "127.0.0.1", path)
        .compose(req -> req.putHeader("Authorization", TestGateways.bearer(dataDir)).send())
        .compose(this::answer);
  }

  private Future<Answer> answer(HttpClientResponse resp) {
    return resp.body()
        .map(b -> new Answer(resp.statusCode(), resp.getHeader("content-type"), b.toString()));
  }
}
