package io.vigil.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Requests to a running gateway's admin port over a real socket, as the operator {@code alice}
 * ({@link TestGateways#bearer}), with Vert.x's HTTP client. A request that gets no answer within 30
 * s fails with how far it got (a connection, the request sent, the answer's head), this JVM's
 * Vert.x and gateway threads, and the machine's sockets on the admin port: enough to tell a lost
 * connection from a handler that never answered.
 */
public final class AdminRequests {

  /** What the admin port answered. */
  public record Answer(int status, String body) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private AdminRequests() {}

  /** {@code method path} with {@code body} as JSON, or no body when it is null. */
  public static Answer send(
      Vertx vertx, Gateway gateway, Path dataDir, HttpMethod method, String path, JsonObject body)
      throws Exception {
    int port = gateway.adminPort();
    String authorization = TestGateways.bearer(dataDir);
    AtomicReference<String> stage = new AtomicReference<>("connecting");
    Future<Answer> answer =
        vertx
            .createHttpClient()
            .request(method, port, "127.0.0.1", path)
            .compose(
                req -> {
                  stage.set("connected, sending the request");
                  req.putHeader("Authorization", authorization);
                  return body == null ? req.send() : req.send(Buffer.buffer(body.encode()));
                })
            .compose(
                r -> {
                  stage.set("answered " + r.statusCode() + ", reading the body");
                  return r.body().map(b -> new Answer(r.statusCode(), b.toString()));
                });
    try {
      return answer
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          method
              + " "
              + path
              + " on the admin port "
              + port
              + " got no answer within "
              + TIMEOUT.toMillis()
              + " ms; it got as far as: "
              + stage.get()
              + "\nsockets on that port:\n"
              + sockets(port)
              + "\nthreads:\n"
              + threads(),
          e);
    } catch (ExecutionException e) {
      throw new AssertionError(method + " " + path + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** {@code POST path} with {@code body} as JSON. */
  public static Answer post(
      Vertx vertx, Gateway gateway, Path dataDir, String path, JsonObject body) throws Exception {
    return send(vertx, gateway, dataDir, HttpMethod.POST, path, body);
  }

  /** {@code GET path}. */
  public static Answer get(Vertx vertx, Gateway gateway, Path dataDir, String path)
      throws Exception {
    return send(vertx, gateway, dataDir, HttpMethod.GET, path, null);
  }

  /** {@code ss}'s TCP sockets on {@code port}, with their queues and timers. */
  private static String sockets(int port) {
    try {
      Process ss =
          new ProcessBuilder("ss", "-tanoi", "( sport = :" + port + " or dport = :" + port + " )")
              .redirectErrorStream(true)
              .start();
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      ss.waitFor(5, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "(ss could not run: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /**
   * Every thread's state, lock and top frames ({@link ThreadInfo#toString}), the Vert.x and gateway
   * threads first.
   */
  private static String threads() {
    ThreadInfo[] all = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
    return Arrays.stream(all)
        .sorted((a, b) -> Boolean.compare(!interesting(a), !interesting(b)))
        .map(ThreadInfo::toString)
        .collect(Collectors.joining());
  }

  private static boolean interesting(ThreadInfo t) {
    String name = t.getThreadName();
    return name.startsWith("vert.x") || name.startsWith("vigil");
  }
}
