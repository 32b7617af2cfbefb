package io.vigil.gateway.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends simulated devices' requests to a running gateway and prints what it answers, period by
 * period, then a summary. An open loop sends at the intended times whatever the gateway does and
 * measures latency from the intended time, so a slow gateway shows as latency, not as fewer
 * requests; a closed loop keeps a number of requests in flight.
 */
public final class Simulator {

  /** How long one request may wait for its answer before it counts as not answered. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Requests in flight beyond which an open loop stops sending, rather than open more sockets. */
  static final int MAX_IN_FLIGHT = 512;

  /** How long a closed-loop worker waits after a request got no answer, not to spin. */
  static final Duration BACKOFF = Duration.ofMillis(100);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulation settings;
  private final HttpClient client;
  private final DeviceCredentials access;
  private final ModelInfo model;
  private final Traffic traffic;
  private final PrintStream out;
  private final URI inferUri;
  private final java.util.Optional<OutcomeSender> outcomes;
  private final Object lock = new Object();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private Tally period = new Tally();
  private final Tally total = new Tally();
  private String safety = "-";
  private long start;
  private long end;

  private Simulator(
      Simulation settings,
      HttpClient client,
      ModelInfo model,
      TestSplit data,
      PrintStream out,
      DeviceCredentials access) {
    this.settings = settings;
    this.access = access;
    this.client = client;
    this.model = model;
    this.traffic = new Traffic(data, settings.seed(), settings.noise(), settings.shifts());
    this.out = out;
    this.inferUri =
        settings
            .url()
            .resolve(
                "v2/models/" + URLEncoder.encode(model.name(), StandardCharsets.UTF_8) + "/infer");
    this.outcomes =
        settings.outcomes().on()
            ? java.util.Optional.of(
                new OutcomeSender(
                    settings.outcomes(),
                    client,
                    settings.url(),
                    model.name(),
                    access,
                    settings.deviceId(),
                    settings.seed()))
            : java.util.Optional.empty();
  }

  /**
   * Runs the simulation to its end, printing to {@code out}; a gateway that cannot be reached, or
   * has no model that takes the test split's features, fails before any request is sent.
   */
  public static void run(Simulation settings, TestSplit data, PrintStream out) {
    run(settings, data, out, DeviceCredentials.NONE);
  }

  /**
   * Runs the simulation as a device that presents {@code access} (a token, the gateway's CA, a
   * client certificate) to a gateway that asks for it.
   */
  public static void run(
      Simulation settings, TestSplit data, PrintStream out, DeviceCredentials access) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    access.sslContext().ifPresent(b::sslContext);
    HttpClient client = b.build();
    ModelInfo model =
        ModelInfo.fetch(client, settings.url(), settings.model(), data.featureNames(), access);
    new Simulator(settings, client, model, data, out, access).run();
  }

  private void run() {
    Report.header(settings, model, settings.url().toString()).forEach(out::println);
    out.flush();
    ScheduledExecutorService reporter =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-simulate-report");
              t.setDaemon(true);
              return t;
            });
    long every = settings.reportEvery().toNanos();
    start = System.nanoTime();
    end = start + settings.duration().toNanos();
    AtomicLong ticks = new AtomicLong();
    reporter.scheduleAtFixedRate(
        () -> report(ticks.incrementAndGet() * every / 1e9), every, every, TimeUnit.NANOSECONDS);
    try {
      if (settings.openLoop()) {
        openLoop();
      } else {
        closedLoop();
      }
      awaitAnswers(System.nanoTime() + REQUEST_TIMEOUT.toNanos() + 1_000_000_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reporter.shutdownNow();
      try {
        reporter.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    outcomes.ifPresent(OutcomeSender::finish);
    double elapsed = (System.nanoTime() - start) / 1e9;
    synchronized (lock) {
      if (!period.isEmpty()) {
        out.println(Report.line(elapsed, period, safety));
      }
      Report.summary(elapsed, total, model, safety, MAX_IN_FLIGHT).forEach(out::println);
      outcomes.ifPresent(o -> out.println(o.summary()));
    }
    out.flush();
  }

  private void openLoop() throws InterruptedException {
    double nanosPerRequest = 1e9 / settings.ratePerSecond();
    for (long i = 0; ; i++) {
      long intended = start + Math.round(i * nanosPerRequest);
      if (intended - end >= 0) {
        return;
      }
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      if (inFlight.get() >= MAX_IN_FLIGHT) {
        synchronized (lock) {
          period.skipped++;
          total.skipped++;
        }
        continue;
      }
      send(intended);
    }
  }

  private void closedLoop() throws InterruptedException {
    CountDownLatch workers = new CountDownLatch(settings.concurrency());
    for (int w = 0; w < settings.concurrency(); w++) {
      work(workers);
    }
    long lastAnswer = REQUEST_TIMEOUT.plus(BACKOFF).plusSeconds(1).toNanos();
    workers.await(end - System.nanoTime() + lastAnswer, TimeUnit.NANOSECONDS);
  }

  /** One closed-loop worker: a request, then the next once it is answered, until the end. */
  private void work(CountDownLatch workers) {
    long now = System.nanoTime();
    if (now - end >= 0) {
      workers.countDown();
      return;
    }
    send(now)
        .thenComposeAsync(
            answered ->
                answered
                    ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(
                        () -> {},
                        CompletableFuture.delayedExecutor(
                            BACKOFF.toMillis(), TimeUnit.MILLISECONDS)))
        .whenComplete((v, e) -> work(workers));
  }

  /**
   * Sends one request meant to leave at {@code intended}; completes with whether it was answered.
   */
  private CompletableFuture<Boolean> send(long intended) {
    double elapsedSeconds = (intended - start) / 1e9;
    long id = sequence.getAndIncrement();
    String requestId = "simulate-" + settings.seed() + "-" + id;
    Traffic.Draw draw = traffic.next(elapsedSeconds);
    String body = body(requestId, draw);
    HttpRequest request =
        access
            .apply(HttpRequest.newBuilder(inferUri))
            .timeout(REQUEST_TIMEOUT)
            .header("content-type", "application/json")
            .header("X-Device-Id", settings.deviceId())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    inFlight.incrementAndGet();
    synchronized (lock) {
      period.sent++;
      total.sent++;
    }
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, failure) -> {
              try {
                boolean answered = answered(intended, response, failure);
                if (answered && response.statusCode() == 200) {
                  outcomes.ifPresent(o -> o.answered(requestId, draw.malignant()));
                }
                return answered;
              } finally {
                if (inFlight.decrementAndGet() == 0) {
                  synchronized (lock) {
                    lock.notifyAll();
                  }
                }
              }
            });
  }

  private boolean answered(long intended, HttpResponse<String> response, Throwable failure) {
    long latency = System.nanoTime() - intended;
    int status = 0;
    double probability = Double.NaN;
    String state = "";
    String error = null;
    if (failure != null) {
      Throwable cause =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      error = "no answer: " + ModelInfo.reason(cause);
    } else {
      status = response.statusCode();
      JsonNode json = parse(response.body());
      if (status == 200) {
        probability = probability(json);
        state = safety(json);
      } else {
        String message = json.path("error").asText("");
        error = status + " " + (message.isEmpty() ? response.body().strip() : message);
      }
    }
    synchronized (lock) {
      for (Tally t : new Tally[] {period, total}) {
        t.answered(status, latency, probability, model.threshold());
      }
      if (error != null) {
        total.error(error);
      }
      if (!state.isEmpty() && !state.equals(safety)) {
        if (!safety.equals("-")) {
          period.safetyChanges.add(safety + " -> " + state);
          total.safetyChanges.add(
              Report.seconds((System.nanoTime() - start) / 1e9) + " " + safety + " -> " + state);
        }
        safety = state;
      }
    }
    return failure == null;
  }

  private void report(double elapsedSeconds) {
    Tally done;
    String state;
    synchronized (lock) {
      done = period;
      period = new Tally();
      state = safety;
    }
    out.println(Report.line(elapsedSeconds, done, state));
    out.flush();
  }

  private void awaitAnswers(long deadline) throws InterruptedException {
    synchronized (lock) {
      long left;
      while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /** The OIP request for one row: JSON null for a missing value. */
  private String body(String id, Traffic.Draw draw) {
    float[] values = draw.values();
    StringBuilder b = new StringBuilder(64 + values.length * 12);
    b.append("{\"id\":\"").append(id).append("\",\"inputs\":[{\"name\":");
    b.append(quote(model.input()));
    b.append(",\"datatype\":\"FP32\",\"shape\":[1,").append(values.length).append("],\"data\":[");
    for (int j = 0; j < values.length; j++) {
      if (j > 0) {
        b.append(',');
      }
      b.append(draw.missing()[j] ? "null" : Float.toString(values[j]));
    }
    return b.append("]}]}").toString();
  }

  /** The decision output's first value; NaN when the answer has none. */
  private double probability(JsonNode answer) {
    for (JsonNode output : answer.path("outputs")) {
      if (output.path("name").asText().equals(model.decisionOutput())) {
        JsonNode v = output.path("data");
        while (v.isArray() && !v.isEmpty()) {
          v = v.get(0);
        }
        return v.isNumber() ? v.asDouble() : Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** The safety state the answer reports: a word, or an object's {@code state}; empty when none. */
  private static String safety(JsonNode answer) {
    JsonNode s = answer.path("parameters").path("safety");
    if (s.isTextual() || s.isNumber() || s.isBoolean()) {
      return s.asText();
    }
    if (s.isObject()) {
      JsonNode state = s.path("state");
      return state.isValueNode() ? state.asText() : s.toString();
    }
    return "";
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalStateException("a string always writes as JSON", e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
