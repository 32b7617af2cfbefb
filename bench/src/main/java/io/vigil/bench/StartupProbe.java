package io.vigil.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start to ready: starts a fresh {@code vigil.jar serve} on an empty data folder and a free port
 * and measures the wall clock until {@code GET /v2/health/ready} answers 200.
 */
final class StartupProbe {

  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Pattern READY_LINE = Pattern.compile("ready in (\\d+) ms");

  private final Path jar;
  private final Path workDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

  StartupProbe(Path jar, Path workDir) {
    this.jar = jar;
    this.workDir = workDir;
  }

  /**
   * One start: wall clock to the first 200, and the gateway's own "ready in N ms" if it said so.
   */
  record Start(double wallMillis, OptionalDouble reportedMillis) {}

  /** Starts a fresh vigil and times it until readiness answers 200. */
  Start measure(int attempt) throws IOException, InterruptedException {
    Path data = Files.createDirectories(workDir.resolve("startup-" + attempt));
    int port = freePort();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            HostedGateway.HEAP,
            "-jar",
            jar.toString(),
            "serve",
            "--data-dir",
            data.toString(),
            "--port",
            Integer.toString(port),
            "--admin-port",
            "0");
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("startup-" + attempt + ".log").toFile())
            .start();
    try {
      while (System.nanoTime() - start < LIMIT.toNanos()) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "vigil exited with " + p.exitValue() + " before it was ready; see its log");
        }
        if (answers200(ready)) {
          double wall = (System.nanoTime() - start) / 1e6;
          return new Start(wall, reported(workDir.resolve("startup-" + attempt + ".log")));
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("vigil was not ready within " + LIMIT);
    } finally {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  // ServeCommand prints "vigil: ready in N ms", counted from the JVM's start.
  private static OptionalDouble reported(Path log) throws IOException {
    Matcher m = READY_LINE.matcher(Files.readString(log, StandardCharsets.UTF_8));
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  private boolean answers200(HttpRequest ready) throws InterruptedException {
    try {
      return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
