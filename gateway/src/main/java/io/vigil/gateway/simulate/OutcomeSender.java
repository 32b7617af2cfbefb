package io.vigil.gateway.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Returns the outcomes of answered rows to the gateway ({@code POST /v2/models/{model}/outcomes}),
 * each once its delay has passed, in batches every 100 ms from one thread; at the end of the run,
 * those still waiting are sent at once.
 */
final class OutcomeSender {

  /** The positive label of the demonstration model's test split. */
  static final String POSITIVE = "malignant";

  /** The label of a case that is not positive, as the gateway takes it. */
  static final String NEGATIVE = "negative";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 1000;

  private record Due(long atNanos, String id, boolean positive) {}

  private final OutcomeFeed feed;
  private final HttpClient client;
  private final DeviceCredentials access;
  private final String deviceId;
  private final URI uri;
  private final Random random;
  private final ConcurrentLinkedQueue<Due> due = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService thread;
  // The sender's thread only, then read after finish().
  private long sent;
  private long accepted;
  private long refused;
  private long flipped;
  private String firstRefusal = "";

  OutcomeSender(
      OutcomeFeed feed,
      HttpClient client,
      URI base,
      String model,
      DeviceCredentials access,
      String deviceId,
      long seed) {
    this.feed = feed;
    this.client = client;
    this.access = access;
    this.deviceId = deviceId;
    this.uri =
        base.resolve("v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "/outcomes");
    this.random = new Random(seed ^ 0x5DEECE66DL);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-simulate-outcomes");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(() -> send(false), 100, 100, TimeUnit.MILLISECONDS);
  }

  /** The row of request {@code id} was answered; its true label is {@code malignant}. */
  void answered(String id, boolean malignant) {
    boolean flip;
    synchronized (random) {
      flip = random.nextDouble() < feed.errorRate();
    }
    due.add(new Due(System.nanoTime() + feed.delay().toNanos(), id, malignant ^ flip));
    if (flip) {
      synchronized (this) {
        flipped++;
      }
    }
  }

  /** Sends what is still waiting, then stops. */
  void finish() {
    try {
      thread.submit(() -> send(true)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      firstRefusal = firstRefusal.isEmpty() ? String.valueOf(e.getCause()) : firstRefusal;
    } finally {
      thread.shutdownNow();
    }
  }

  /** The summary line, once finished. */
  synchronized String summary() {
    return String.format(
        Locale.ROOT,
        "outcomes  sent %d (accepted %d, refused %d), %d flipped (error rate %.2f), %s after each"
            + " answer%s",
        sent,
        accepted,
        refused,
        flipped,
        feed.errorRate(),
        Report.seconds(feed.delay().toMillis() / 1000.0),
        firstRefusal.isEmpty() ? "" : "; first refusal: " + firstRefusal);
  }

  private void send(boolean all) {
    long now = System.nanoTime();
    List<Due> batch = new ArrayList<>();
    Due d;
    while ((d = due.peek()) != null && (all || d.atNanos() - now <= 0)) {
      batch.add(due.poll());
      if (batch.size() == BATCH) {
        post(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      post(batch);
    }
  }

  private void post(List<Due> batch) {
    ArrayNode body = JSON.createArrayNode();
    for (Due d : batch) {
      body.addObject().put("id", d.id()).put("outcome", d.positive() ? POSITIVE : NEGATIVE);
    }
    synchronized (this) {
      sent += batch.size();
    }
    try {
      HttpResponse<String> response =
          client.send(
              access
                  .apply(HttpRequest.newBuilder(uri))
                  .timeout(Simulator.REQUEST_TIMEOUT)
                  .header("content-type", "application/json")
                  .header("X-Device-Id", deviceId)
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(response.body());
      synchronized (this) {
        if (response.statusCode() != 200) {
          refused += batch.size();
          note(response.statusCode() + " " + answer.path("error").asText(response.body()));
          return;
        }
        accepted += answer.path("accepted").asLong();
        refused += answer.path("refused").asLong();
        for (JsonNode r : answer.path("results")) {
          if (!"accepted".equals(r.path("status").asText())) {
            note(r.path("message").asText());
          }
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        refused += batch.size();
        note("no answer: " + ModelInfo.reason(e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void note(String refusal) {
    if (firstRefusal.isEmpty()) {
      firstRefusal = refusal;
    }
  }
}
