package io.vigil.bench;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The open-loop load generator, run as its own JVM: sends at a fixed rate whatever the answers do,
 * and times each request from its intended send time (no coordinated omission).
 *
 * <p>Everything runs on one Vert.x event loop over Linux epoll: a timer with microsecond precision
 * wakes the loop at the next due time (or after a minimum tick), which sends every request now due
 * through an HTTP/1.1 client with a pool of keep-alive connections; requests beyond the pool wait
 * in its queue, and that wait counts. One thread and no hand-offs keep the generator's own CPU per
 * request low on a box whose two cores it shares with the gateway. Prints {@code OPENLOOP_RESULT
 * {json}} and exits.
 */
final class OpenLoop {

  static final String RESULT = "OPENLOOP_RESULT ";
  static final String MARK = "OPENLOOP_MARK ";

  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final ContextInternal context;
  private final EventLoop eventLoop;
  private final HttpClientAgent client;
  private final RequestOptions request;
  private final List<Buffer> bodies;
  private int nextBody;
  private final LatencyRecorder recorder = new LatencyRecorder();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private Schedule schedule;
  private long measureStartNanos;
  private long next;
  private long last;
  private long inFlight;
  private long okTotal;
  private long tickNanos;
  private boolean allSent;

  private OpenLoop(Vertx vertx, int port, String path, List<Buffer> bodies, int connections) {
    Context ctx = vertx.getOrCreateContext();
    this.context = (ContextInternal) ctx;
    this.eventLoop = context.nettyEventLoop();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections));
    this.request =
        new RequestOptions()
            .setMethod(bodies.isEmpty() ? HttpMethod.GET : HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(path)
            .setIdleTimeout(DRAIN.toMillis());
    if (!bodies.isEmpty()) {
      request.putHeader("content-type", "application/json");
    }
    this.bodies = List.copyOf(bodies);
  }

  /**
   * {@code --port=P --path=/v2/... [--body-file=F] --rate=R --warmup-s=W --settle-s=S
   * --duration-s=D [--connections=C] [--tick-s=T]}, F holding the bodies to POST in turn, one a
   * line: W seconds closed-loop, then open loop at R per second, of which the first S seconds are
   * not recorded; the loop wakes at most every T seconds.
   */
  public static void main(String[] args) throws Exception {
    Flags f = Flags.parse(args);
    String bodyFile = f.text("body-file", "");
    List<Buffer> bodies =
        bodyFile.isEmpty()
            ? List.of()
            : Files.readAllLines(Path.of(bodyFile)).stream()
                .filter(line -> !line.isBlank())
                .map(Buffer::buffer)
                .toList();
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1));
    try {
      if (!vertx.isNativeTransportEnabled()) {
        // Without epoll, timers round to milliseconds and would add up to 1 ms to every latency.
        throw new IllegalStateException(
            "epoll transport unavailable: " + vertx.unavailableNativeTransportCause());
      }
      int connections = f.integer("connections", 32);
      OpenLoop loop =
          new OpenLoop(vertx, f.integer("port", 0), f.required("path"), bodies, connections);
      loop.tickNanos = f.seconds("tick-s", 0).toNanos();
      loop.warmUp(connections, f.seconds("warmup-s", 3));
      JsonObject result =
          loop.run(f.number("rate", 1000), f.seconds("settle-s", 1), f.seconds("duration-s", 10));
      System.out.println(RESULT + result.encode());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Closed loop, unrecorded: warms both JITs and opens the connections, so that the open-loop part
   * does not start with a backlog that a cold client builds.
   */
  private void warmUp(int connections, Duration warmUp) throws Exception {
    long end = System.nanoTime() + warmUp.toNanos();
    CompletableFuture<Void> done = new CompletableFuture<>();
    int[] loops = {connections};
    context.runOnContext(
        v -> {
          for (int c = 0; c < connections; c++) {
            warmUpLoop(end, loops, done);
          }
        });
    done.get(warmUp.toSeconds() + DRAIN.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * One request, completing with the status once the whole answer has arrived; a POST sends the
   * next of the bodies in turn (every call runs on the one event loop).
   */
  private io.vertx.core.Future<Integer> exchange() {
    Buffer body = nextBody();
    return client
        .request(request)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  private Buffer nextBody() {
    if (bodies.isEmpty()) {
      return null;
    }
    Buffer body = bodies.get(nextBody);
    nextBody = (nextBody + 1) % bodies.size();
    return body;
  }

  private void warmUpLoop(long endNanos, int[] loops, CompletableFuture<Void> done) {
    exchange()
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == 200) {
                okTotal++;
              }
              if (System.nanoTime() < endNanos) {
                warmUpLoop(endNanos, loops, done);
              } else if (--loops[0] == 0) {
                done.complete(null);
              }
            });
  }

  private JsonObject run(double rate, Duration settle, Duration measure) throws Exception {
    CompletableFuture<long[]> cpu = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          schedule = new Schedule(System.nanoTime() + 1_000_000L, rate);
          measureStartNanos = schedule.startNanos() + settle.toNanos();
          long end = measureStartNanos + measure.toNanos();
          last = schedule.dueBy(end - 1);
          eventLoop.schedule(
              () -> {
                mark("start");
                cpu.complete(new long[] {processCpuNanos()});
              },
              measureStartNanos - System.nanoTime(),
              TimeUnit.NANOSECONDS);
          eventLoop.schedule(
              () -> {
                cpu.thenAccept(start -> start[0] = processCpuNanos() - start[0]);
                mark("end");
              },
              end - System.nanoTime(),
              TimeUnit.NANOSECONDS);
          tick();
        });
    long limit = settle.plus(measure).plus(DRAIN).toSeconds() + 5;
    try {
      finished.get(limit, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Requests still unanswered after the drain: the summary counts them as unfinished.
    }
    long sentMeasured = last - schedule.dueBy(measureStartNanos - 1);
    CompletableFuture<JsonObject> summary = new CompletableFuture<>();
    context.runOnContext(v -> summary.complete(summary(rate, measure, sentMeasured)));
    // The generator's own CPU while it sent the measured requests: its cost per request.
    return summary
        .get(10, TimeUnit.SECONDS)
        .put("cpu_seconds", cpu.get(1, TimeUnit.SECONDS)[0] / 1e9);
  }

  /** On the event loop: sends every request due by now, then sleeps until the next is due. */
  private void tick() {
    long upTo = Math.min(schedule.dueBy(System.nanoTime()), last);
    for (long i = next; i < upTo; i++) {
      send(schedule.intendedNanos(i));
    }
    next = upTo;
    if (next < last) {
      long now = System.nanoTime();
      long wake = Math.max(schedule.intendedNanos(next), now + tickNanos);
      eventLoop.schedule(this::tick, wake - now, TimeUnit.NANOSECONDS);
    } else {
      allSent = true;
      eventLoop.schedule(() -> finished.complete(null), DRAIN.toNanos(), TimeUnit.NANOSECONDS);
      finishIfDrained();
    }
  }

  private void send(long intendedNanos) {
    boolean measured = intendedNanos >= measureStartNanos;
    inFlight++;
    long sentNanos = System.nanoTime();
    exchange()
        .onComplete(
            ar -> {
              long done = System.nanoTime();
              inFlight--;
              boolean ok = ar.succeeded() && ar.result() == 200;
              if (ok) {
                okTotal++;
              }
              if (!ok && recorder.failed() == 0) {
                System.err.println(
                    "open-loop: first failure: "
                        + (ar.failed() ? ar.cause() : "status " + ar.result()));
              }
              if (measured) {
                recorder.record(intendedNanos, sentNanos, done, ok);
              }
              finishIfDrained();
            });
  }

  private void finishIfDrained() {
    if (allSent && inFlight == 0) {
      finished.complete(null);
    }
  }

  /** Tells the harness that the measured window starts or ends, so it can sample the gateway. */
  private static void mark(String what) {
    System.out.println(MARK + what);
    System.out.flush();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private JsonObject summary(double rate, Duration measure, long sentMeasured) {
    double seconds = measure.toNanos() / 1e9;
    Histogram c = recorder.corrected();
    Histogram u = recorder.uncorrected();
    Histogram lag = recorder.sendLag();
    return new JsonObject()
        .put("target_rate", rate)
        .put("seconds", seconds)
        .put("sent", sentMeasured)
        .put("ok", recorder.ok())
        .put("ok_total", okTotal)
        .put("failed", recorder.failed())
        .put("unfinished", Math.max(0, sentMeasured - recorder.ok() - recorder.failed()))
        .put("achieved_rate", recorder.ok() / seconds)
        .put("p50_us", c.getValueAtPercentile(50))
        .put("p90_us", c.getValueAtPercentile(90))
        .put("p99_us", c.getValueAtPercentile(99))
        .put("p999_us", c.getValueAtPercentile(99.9))
        .put("max_us", c.getMaxValue())
        .put("uncorrected_p50_us", u.getValueAtPercentile(50))
        .put("uncorrected_p99_us", u.getValueAtPercentile(99))
        .put("uncorrected_p999_us", u.getValueAtPercentile(99.9))
        .put("send_lag_p50_us", lag.getValueAtPercentile(50))
        .put("send_lag_p99_us", lag.getValueAtPercentile(99))
        .put("send_lag_max_us", lag.getMaxValue());
  }
}
