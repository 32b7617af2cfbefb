package io.vigil.gateway.simulate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The safety state in answers ({@code parameters.safety}), which the gateway does not report yet: a
 * stand-in gateway answers {@code normal} for its first requests and {@code warn} after.
 */
class SafetyReportTest {

  private static final int NORMAL_ANSWERS = 10;

  private HttpServer server;
  private ExecutorService threads;
  private final AtomicInteger answered = new AtomicInteger();

  @BeforeEach
  void aGatewayWhoseSafetyTurnsToWarn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    threads = Executors.newFixedThreadPool(4);
    server.setExecutor(threads);
    server.createContext("/v2/models/wdbc-malignancy", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    threads.shutdownNow();
  }

  @Test
  void printsTheLatestSafetyStateAndNotesEachChange() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Simulator.run(
        new Simulation(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
            "wdbc-malignancy",
            20,
            0,
            Duration.ofMillis(1500),
            1,
            0.02,
            "test",
            Duration.ofMillis(500),
            List.of()),
        TestSplit.shipped(),
        out);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("[safety normal -> warn]"), printed);
    assertTrue(printed.contains("\nsafety    warn; changes: "), printed);
    assertTrue(printed.contains("s normal -> warn"), printed);
    assertTrue(printed.contains("\npositive  1.000 ("), printed);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String body;
    if (exchange.getRequestURI().getPath().endsWith("/infer")) {
      exchange.getRequestBody().readAllBytes();
      String safety = answered.incrementAndGet() <= NORMAL_ANSWERS ? "normal" : "warn";
      body =
          "{\"model_name\":\"wdbc-malignancy\",\"parameters\":{\"safety\":\""
              + safety
              + "\"},\"outputs\":[{\"name\":\"probability\",\"datatype\":\"FP32\","
              + "\"shape\":[1,1],\"data\":[0.9]}]}";
    } else {
      StringBuilder features = new StringBuilder();
      for (String name : TestSplit.shipped().featureNames()) {
        features.append(features.length() == 0 ? "" : ",");
        features.append("{\"input\":\"features\",\"name\":\"").append(name).append("\"}");
      }
      body =
          "{\"name\":\"wdbc-malignancy\",\"parameters\":{\"version\":\"1.0.0\","
              + "\"decision_output\":\"probability\",\"decision_threshold\":0.5,"
              + "\"features\":["
              + features
              + "]}}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
