package io.vigil.bench;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The gateway's CPU per outcome: an in-process gateway with the demonstration model answers N
 * predictions, then takes their outcomes over a real loopback socket in batches of a chosen size;
 * the CPU time of the gateway's own threads (event loops, {@code vigil-outcomes}, the ledger's
 * writer, {@code vigil-monitor}; not the client's) over the outcomes, divided by their number.
 *
 * <p>{@code java -cp bench/target/vigil-bench.jar io.vigil.bench.OutcomeCost [N] [BATCH...]}
 */
public final class OutcomeCost {

  private OutcomeCost() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 12_000;
    int[] batches = {100, 1};
    if (args.length > 1) {
      batches = new int[args.length - 1];
      for (int i = 1; i < args.length; i++) {
        batches[i - 1] = Integer.parseInt(args[i]);
      }
    }
    Path data = Files.createTempDirectory("vigil-outcome-cost");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Gateway gateway = Gateway.start(TestGateways.config(data))) {
      URI infer =
          URI.create("http://127.0.0.1:" + gateway.port() + "/v2/models/wdbc-malignancy/infer");
      URI outcomes =
          URI.create("http://127.0.0.1:" + gateway.port() + "/v2/models/wdbc-malignancy/outcomes");
      for (int i = 0; i < n; i++) {
        String body = TestGateways.DEMO_ROW.replaceFirst("\\{", "{\"id\": \"c-" + i + "\", ");
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(infer)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("infer answered " + r.statusCode() + ": " + r.body());
        }
      }
      int next = 0;
      // A third of the outcomes warm the JIT up; each batch size measures its share of the rest.
      next = post(http, outcomes, next, n / 3, 100);
      int share = (n - next) / batches.length;
      for (int batch : batches) {
        long cpu = gatewayCpuNanos();
        long wall = System.nanoTime();
        int from = next;
        next = post(http, outcomes, next, next + share, batch);
        long cpuNanos = gatewayCpuNanos() - cpu;
        long wallNanos = System.nanoTime() - wall;
        int count = next - from;
        System.out.printf(
            Locale.ROOT,
            "batches of %4d: %6d outcomes, gateway CPU %.1f µs per outcome, wall %.1f µs per"
                + " outcome (%d cores)%n",
            batch,
            count,
            cpuNanos / 1e3 / count,
            wallNanos / 1e3 / count,
            Runtime.getRuntime().availableProcessors());
      }
    }
  }

  private static int post(HttpClient http, URI uri, int from, int to, int batch) throws Exception {
    for (int i = from; i < to; i += batch) {
      StringBuilder b = new StringBuilder("[");
      for (int j = i; j < Math.min(to, i + batch); j++) {
        b.append(j == i ? "" : ",")
            .append("{\"id\":\"c-")
            .append(j)
            .append("\",\"outcome\":\"")
            .append(j % 3 == 0 ? "malignant" : "negative")
            .append("\"}");
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .POST(HttpRequest.BodyPublishers.ofString(b.append(']').toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || !r.body().contains("\"refused\":0")) {
        throw new IllegalStateException("outcomes answered " + r.statusCode() + ": " + r.body());
      }
    }
    return to;
  }

  /** The CPU time of every live thread but the client's and this one. */
  private static long gatewayCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t == null
          || t.getThreadName().startsWith("HttpClient")
          || t.getThreadId() == Thread.currentThread().getId()) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(t.getThreadId());
      sum += Math.max(0, cpu);
    }
    return sum;
  }
}
