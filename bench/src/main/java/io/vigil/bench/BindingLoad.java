package io.vigil.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load in one of the protocol's forms ({@link BindingForm}), from one Vert.x event loop
 * in the harness's JVM: the same client code for the JSON and binary REST bindings (HTTP/1.1, one
 * request in flight per connection) and for gRPC (HTTP/2 without TLS, one stream in flight per
 * connection, the same number of connections), so that the forms differ only in what the bytes are.
 * A reply counts as answered when its HTTP status is 200 and, for gRPC, its {@code grpc-status}
 * trailer is 0.
 */
final class BindingLoad implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  /**
   * One window's figures.
   *
   * @param ok replies answered within the window
   * @param failed replies that were not (another status, another grpc-status, a broken connection)
   * @param seconds the window's length
   * @param p50Us median latency of the answered replies, from send to the reply's last byte
   * @param p99Us their 99th percentile
   * @param loadCpuNanos CPU time this JVM (the generator) spent over the window
   * @param firstFailure what the first failure was, empty if none
   */
  record Result(
      long ok,
      long failed,
      double seconds,
      double p50Us,
      double p99Us,
      long loadCpuNanos,
      String firstFailure) {

    double rate() {
      return ok / seconds;
    }
  }

  /**
   * Sends the requests of {@code load} in turn to {@code 127.0.0.1:port} over {@code connections}
   * connections for {@code duration}, and waits for the replies in flight at its end.
   */
  Result run(BindingForm.Load load, int port, int connections, Duration duration)
      throws InterruptedException {
    BindingForm form = load.form();
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(connections);
    if (form.grpc()) {
      options
          .setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false)
          .setHttp2MultiplexingLimit(1);
      pool.setHttp2MaxSize(connections);
    }
    HttpClient client = vertx.createHttpClient(options, pool);
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(load.path());
    load.headers().forEach(request::putHeader);
    Window window = new Window(load.bodies(), System.nanoTime() + duration.toNanos());
    long cpuBefore = processCpuNanos();
    long started = System.nanoTime();
    List<Future<Void>> lanes =
        java.util.stream.IntStream.range(0, connections)
            .mapToObj(
                i -> {
                  Promise<Void> done = Promise.promise();
                  vertx.runOnContext(v -> lane(client, request, form, window, done));
                  return done.future();
                })
            .toList();
    try {
      Future.join(lanes)
          .toCompletionStage()
          .toCompletableFuture()
          .get(duration.toSeconds() + 30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the " + form + " load did not end: " + e, e);
    } finally {
      client.close();
    }
    long cpu = processCpuNanos() - cpuBefore;
    double seconds = Math.min(System.nanoTime(), window.deadline) - started;
    return new Result(
        window.ok,
        window.failed,
        seconds / 1e9,
        window.latency.getValueAtPercentile(50),
        window.latency.getValueAtPercentile(99),
        cpu,
        window.firstFailure);
  }

  /** One connection's loop: a request, its reply, the next, until the window's deadline. */
  private void lane(
      HttpClient client, RequestOptions request, BindingForm form, Window w, Promise<Void> done) {
    long sent = System.nanoTime();
    Buffer body = w.next();
    client
        .request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> form.failure(resp.statusCode(), grpcStatus(resp), b)))
        .onComplete(
            ar -> {
              long end = System.nanoTime();
              if (end <= w.deadline) {
                String failure = ar.succeeded() ? ar.result() : ar.cause().toString();
                if (failure.isEmpty()) {
                  w.ok++;
                  w.latency.recordValue(Math.min((end - sent) / 1000, Window.HIGHEST_MICROS));
                } else {
                  w.failed++;
                  if (w.firstFailure.isEmpty()) {
                    w.firstFailure = failure;
                  }
                }
              }
              if (end < w.deadline) {
                lane(client, request, form, w, done);
              } else {
                done.complete();
              }
            });
  }

  private static String grpcStatus(HttpClientResponse resp) {
    String status = resp.trailers().get("grpc-status");
    return status != null ? status : resp.getHeader("grpc-status");
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** A window's counts, touched only on the generator's one event loop. */
  private static final class Window {
    static final long HIGHEST_MICROS = 60_000_000L;

    final List<Buffer> bodies;
    final long deadline;
    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    int next;
    long ok;
    long failed;
    String firstFailure = "";

    Window(List<Buffer> bodies, long deadline) {
      this.bodies = bodies;
      this.deadline = deadline;
    }

    Buffer next() {
      Buffer b = bodies.get(next);
      next = (next + 1) % bodies.size();
      return b;
    }
  }
}
