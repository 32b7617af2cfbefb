package io.vigil.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A device that keeps sending the demonstration row, one request at a time with its own id, through
 * a fault; it remembers which ids were answered 200 (acknowledged: they must be in the ledger) and
 * every other answer.
 */
final class FaultLoad implements AutoCloseable {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  FaultLoad(int port) {
    this.port = port;
    this.thread = new Thread(this::run, "fault-load");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long n = 0;
    while (running) {
      String id = "fault-" + n++;
      String body =
          TestGateways.DEMO_ROW.replace("{\"inputs\"", "{\"id\": \"" + id + "\", \"inputs\"");
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v2/models/wdbc-malignancy/infer"))
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          acknowledged.add(id);
        } else {
          refusals.add(r.statusCode() + " " + r.body());
          Thread.sleep(20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        refusals.add("no answer: " + e);
      }
    }
  }

  /** The ids answered 200 so far. */
  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Every answer other than 200 so far, status then body. */
  List<String> refusals() {
    return List.copyOf(refusals);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(15_000);
  }
}
