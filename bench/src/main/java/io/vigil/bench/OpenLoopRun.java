package io.vigil.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Starts the {@link OpenLoop} generator as its own JVM and reads back its result. */
final class OpenLoopRun {

  /**
   * The generator wakes at most this often and sends every request due by then. Each latency still
   * counts from its own intended time, so this adds at most a tick (shown as send lag) and hides
   * nothing; measured here at 5k req/s it halves the generator's CPU per request (about 100 to 50
   * µs), CPU that it would otherwise take from the gateway it measures.
   */
  static final Duration TICK = Duration.ofNanos(500_000);

  private final Path workDir;
  private final List<String> launcher;

  OpenLoopRun(Path workDir) {
    this(workDir, List.of());
  }

  private OpenLoopRun(Path workDir, List<String> launcher) {
    this.workDir = workDir;
    this.launcher = List.copyOf(launcher);
  }

  /** The folder its JVMs write their logs and body files in. */
  Path workDir() {
    return workDir;
  }

  /**
   * The same generator, its JVM started through {@code launcher} (such as {@code taskset -c 1}:
   * {@link CpuPinning#generatorLauncher()}).
   */
  OpenLoopRun launchedWith(List<String> launcher) {
    return new OpenLoopRun(workDir, launcher);
  }

  /**
   * Sends at {@code rate} per second to {@code path} after a warm-up, a GET when {@code bodies} is
   * empty, else POSTs of each body in turn, and returns its summary; {@code marks} hears "start"
   * and "end" as the measured window opens and closes.
   */
  JsonObject run(
      int port,
      String path,
      List<String> bodies,
      double rate,
      int connections,
      Duration warmUp,
      Duration measure,
      Consumer<String> marks)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // One GC thread: the generator shares two cores with the gateway.
    command.add("-XX:+UseSerialGC");
    if (!launcher.isEmpty()) {
      // Pinned to one core, C1 only: C2's compile bursts held that core from the event loop. At 6k
      // req/s on GET /v2, gateway and generator each on its own core, two runs each: p99 73.7 and
      // 6.3 ms with both compilers, 3.4 and 4.4 ms with C1 (CPU 66-70 vs 51-59 µs a request).
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OpenLoop.class.getName());
    command.add("--port=" + port);
    command.add("--path=" + path);
    if (!bodies.isEmpty()) {
      // One body a line: a JSON body written compactly has no line break.
      Path file = Files.createTempFile(workDir, "bodies-", ".jsonl");
      Files.write(file, bodies, StandardCharsets.UTF_8);
      command.add("--body-file=" + file);
    }
    command.add(String.format(Locale.ROOT, "--rate=%.1f", rate));
    command.add("--connections=" + connections);
    command.add(String.format(Locale.ROOT, "--warmup-s=%.3f", warmUp.toMillis() / 1e3));
    command.add("--settle-s=1");
    command.add(String.format(Locale.ROOT, "--tick-s=%.6f", TICK.toNanos() / 1e9));
    command.add(String.format(Locale.ROOT, "--duration-s=%.3f", measure.toMillis() / 1e3));
    Process p =
        new ProcessBuilder(command).redirectError(workDir.resolve("openloop.log").toFile()).start();
    JsonObject result = null;
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
        if (line.startsWith(OpenLoop.MARK)) {
          marks.accept(line.substring(OpenLoop.MARK.length()).trim());
        } else if (line.startsWith(OpenLoop.RESULT)) {
          result = new JsonObject(line.substring(OpenLoop.RESULT.length()));
        }
      }
      long limit = warmUp.plus(measure).toSeconds() + 61;
      if (!p.waitFor(limit, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the open-loop generator did not stop within " + limit);
      }
    } finally {
      p.destroyForcibly();
    }
    if (result != null) {
      return result;
    }
    throw new IllegalStateException(
        "the open-loop generator printed no result (see openloop.log):\n" + out);
  }
}
