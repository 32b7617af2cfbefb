package io.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load from wrk (one thread, N connections), with a Lua script that posts the bodies in
 * turn and prints wrk's own latency percentiles on one line at the end.
 */
final class Wrk {

  static final String BINARY = "wrk";
  private static final String RESULT = "WRK_RESULT ";

  // wrk's percentiles are its own (recorded from actual send time: closed loop, no correction).
  private static final String DONE =
      """
      done = function(summary, latency, requests)
        local e = summary.errors
        io.write(string.format("WRK_RESULT requests=%d duration_us=%d status_errors=%d"
          .. " socket_errors=%d p50_us=%d p95_us=%d p99_us=%d p999_us=%d max_us=%d\\n",
          summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
          latency:percentile(50), latency:percentile(95), latency:percentile(99),
          latency:percentile(99.9), latency.max))
      end
      """;

  private final Path workDir;
  private final List<String> launcher;

  Wrk(Path workDir) {
    this(workDir, List.of());
  }

  private Wrk(Path workDir, List<String> launcher) {
    this.workDir = workDir;
    this.launcher = List.copyOf(launcher);
  }

  /** The same, wrk started through {@code launcher} ({@code taskset -c N}). */
  Wrk launchedWith(List<String> launcher) {
    return new Wrk(workDir, launcher);
  }

  /** One wrk run's numbers. */
  record Result(
      long requests,
      long statusErrors,
      long socketErrors,
      double seconds,
      double p50Us,
      double p95Us,
      double p99Us,
      double p999Us) {

    /** Responses with a 2xx status. */
    long ok() {
      return requests - statusErrors;
    }

    /** Successful responses per second. */
    double rate() {
      return ok() / seconds;
    }
  }

  /**
   * Where wrk sends its load: a port on 127.0.0.1, over plain HTTP or TLS (wrk's OpenSSL, which
   * checks no certificate and cannot present one), with a device's bearer token or none.
   *
   * @param tls whether to speak TLS ({@code https://})
   * @param port the gateway's OIP port
   * @param bearerToken sent as {@code Authorization: Bearer ...} on every request; empty for none
   */
  record Target(boolean tls, int port, String bearerToken) {

    /** Plain HTTP, no credential: what every scenario but a TLS comparison uses. */
    static Target plain(int port) {
      return new Target(false, port, "");
    }

    String url(String path) {
      return (tls ? "https" : "http") + "://127.0.0.1:" + port + path;
    }

    Map<String, String> headers() {
      return bearerToken.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + bearerToken);
    }
  }

  /**
   * Runs wrk against {@code 127.0.0.1:port path}: a GET when {@code bodies} is empty, else POSTs of
   * each body in turn.
   */
  Result run(int port, String path, List<String> bodies, int connections, Duration duration)
      throws IOException, InterruptedException {
    return run(Target.plain(port), path, bodies, connections, duration);
  }

  /** E's load on {@code port}: the demo model's inference requests, at E's connections. */
  Result demoInfer(int port, Duration duration) throws IOException, InterruptedException {
    BenchModel demo = BenchModel.DEMO;
    return run(
        port, demo.inferPath(), demo.requestBodies(), ClosedLoopRounds.CONNECTIONS, duration);
  }

  /**
   * Runs wrk against {@code target}'s {@code path}, as {@link #run(int, String, List, int,
   * Duration)}.
   */
  Result run(Target target, String path, List<String> bodies, int connections, Duration duration)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile(workDir, "wrk-", ".lua");
    Files.writeString(script, script(path, bodies, target.headers()), StandardCharsets.UTF_8);
    long seconds = Math.max(1, duration.toSeconds());
    List<String> command = new java.util.ArrayList<>(launcher);
    command.addAll(
        List.of(
            BINARY,
            "-t1",
            "-c" + connections,
            "-d" + seconds + "s",
            "--timeout",
            "5s",
            "-s",
            script.toString(),
            target.url(path)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("wrk did not stop: " + command);
      }
    } finally {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    return parse(text)
        .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + text));
  }

  /**
   * The Lua script: the request, then the one-line report. One body is wrk's static request; more
   * are formatted once in {@code init} and handed out in turn by {@code request()}, which wrk calls
   * for every request its thread sends (one thread: one rotation over all connections).
   */
  static String script(String path, List<String> bodies) {
    return script(path, bodies, Map.of());
  }

  /** The script, with {@code headers} on every request (a GET, one body or bodies in turn). */
  static String script(String path, List<String> bodies, Map<String, String> headers) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, String> h : new java.util.TreeMap<>(headers).entrySet()) {
      s.append("wrk.headers[")
          .append(luaString(h.getKey()))
          .append("] = ")
          .append(luaString(h.getValue()))
          .append('\n');
    }
    if (bodies.size() == 1) {
      s.append("wrk.method = \"POST\"\n")
          .append("wrk.headers[\"Content-Type\"] = \"application/json\"\n")
          .append("wrk.body = ")
          .append(luaString(bodies.get(0)))
          .append('\n');
    } else if (bodies.size() > 1) {
      s.append("local bodies = {\n");
      for (String b : bodies) {
        s.append("  ").append(luaString(b)).append(",\n");
      }
      s.append("}\n")
          .append("local requests = {}\n")
          .append("local next_request = 0\n")
          .append("init = function(args)\n")
          // wrk.format takes these headers instead of wrk.headers: the credential goes in too.
          .append("  local headers = { [\"Content-Type\"] = \"application/json\" }\n")
          .append("  for k, v in pairs(wrk.headers) do headers[k] = v end\n")
          .append("  for i, b in ipairs(bodies) do\n")
          .append("    requests[i] = wrk.format(\"POST\", ")
          .append(luaString(path))
          .append(", headers, b)\n")
          .append("  end\n")
          .append("end\n")
          .append("request = function()\n")
          .append("  next_request = next_request % #requests + 1\n")
          .append("  return requests[next_request]\n")
          .append("end\n");
    }
    return s.append(DONE).toString();
  }

  private static String luaString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }

  /** Parses the WRK_RESULT line of wrk's output. */
  static Optional<Result> parse(String output) {
    for (String line : output.split("\n")) {
      if (!line.startsWith(RESULT)) {
        continue;
      }
      Map<String, Long> v = new HashMap<>();
      for (String pair : line.substring(RESULT.length()).trim().split(" ")) {
        String[] kv = pair.split("=", 2);
        v.put(kv[0], Long.parseLong(kv[1]));
      }
      return Optional.of(
          new Result(
              v.get("requests"),
              v.get("status_errors"),
              v.get("socket_errors"),
              v.get("duration_us") / 1e6,
              v.get("p50_us"),
              v.get("p95_us"),
              v.get("p99_us"),
              v.get("p999_us")));
    }
    return Optional.empty();
  }
}
