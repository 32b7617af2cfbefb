package io.vigil.gateway;

import io.vigil.gateway.cli.Vigil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code vigil} process started from the test class path, for signal and crash tests. */
public final class GatewayProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("OIP v2 on http://[^:]+:(\\d+)/v2");
  private static final Pattern ADMIN = Pattern.compile("metrics on http://[^:]+:(\\d+)/metrics");

  private static final List<String> SYSTEMD_VARIABLES =
      List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<Integer> adminPort = new CompletableFuture<>();
  private final Thread reader;

  private GatewayProcess(Process process) {
    this.process = process;
    reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                  Matcher m = READY.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                  Matcher a = ADMIN.matcher(line);
                  if (a.find()) {
                    adminPort.complete(Integer.parseInt(a.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(
                  new IllegalStateException("vigil exited before it was ready: " + output));
            },
            "vigil-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code vigil ARGS...} in a new JVM and waits until it is ready. */
  public static GatewayProcess start(Path workDir, String... args) throws Exception {
    return startUnder(List.of(), workDir, args);
  }

  /**
   * {@link #start} under a wrapper command that execs the JVM in its own process, such as {@code
   * fiu-run -x} (libfiu's fault injection), so that {@link #pid()} is the gateway's.
   */
  public static GatewayProcess startUnder(List<String> wrapper, Path workDir, String... args)
      throws Exception {
    return startUnder(wrapper, Duration.ofSeconds(60), workDir, args);
  }

  /**
   * {@link #startUnder(List, Path, String...)}, waiting up to {@code readyWithin}: a wrapper such
   * as libfaketime slows every clock read of the JVM, and its start takes about 30 s on a quiet
   * 2-core machine.
   */
  public static GatewayProcess startUnder(
      List<String> wrapper, Duration readyWithin, Path workDir, String... args) throws Exception {
    Process p = launch(wrapper, Map.of(), List.of(), workDir, args);
    GatewayProcess gp = new GatewayProcess(p);
    try {
      gp.port.get(readyWithin.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception | Error e) {
      // A gateway that never said it was ready must not outlive the test as an orphan.
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw e;
    }
    return gp;
  }

  /**
   * Starts {@code vigil ARGS...} in a new JVM with more environment variables and JVM options,
   * under a wrapper, without waiting: for a gateway that says it is ready elsewhere than on its
   * output (sd_notify), whose {@link #port()} is then never known here.
   */
  public static GatewayProcess spawn(
      List<String> wrapper,
      Map<String, String> env,
      List<String> jvmOptions,
      Path workDir,
      String... args)
      throws IOException {
    return new GatewayProcess(launch(wrapper, env, jvmOptions, workDir, args));
  }

  /**
   * Runs {@code vigil ARGS...} in a new JVM that is expected to exit on its own (a refused start, a
   * command), and returns its exit status and everything it printed.
   */
  public static Exited run(Path workDir, long timeoutSeconds, String... args) throws Exception {
    Process p = launch(List.of(), Map.of(), List.of(), workDir, args);
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("vigil did not exit within " + timeoutSeconds + " s");
    }
    return new Exited(p.exitValue(), out.get(10, TimeUnit.SECONDS));
  }

  /**
   * {@code vigil ARGS...} in a new JVM of the unit's heap on the test class path, under a wrapper.
   */
  private static Process launch(
      List<String> wrapper,
      Map<String, String> env,
      List<String> jvmOptions,
      Path workDir,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Vigil.class.getName());
    command.addAll(withFreeAdminPort(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    // A test run under systemd must not hand its own sockets to the gateways it starts.
    builder.environment().keySet().removeAll(SYSTEMD_VARIABLES);
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * {@code serve} with {@code --admin-port 0} and {@code --grpc-port 0} added unless the test names
   * them, so that test gateways never collide on the defaults, 9090 and 8081.
   */
  static List<String> withFreeAdminPort(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.isEmpty() && all.get(0).equals("serve") && !all.contains("--admin-port")) {
      all.addAll(List.of("--admin-port", "0"));
    }
    if (!all.isEmpty() && all.get(0).equals("serve") && !all.contains("--grpc-port")) {
      all.addAll(List.of("--grpc-port", "0"));
    }
    return all;
  }

  /** How a process that ran to its end ended. */
  public record Exited(int status, String output) {
    /** Whether the output holds a Java stack trace. */
    public boolean hasStackTrace() {
      return output.contains("\tat ") || output.contains("Exception in thread");
    }
  }

  /** The OIP port it listens on. */
  public int port() {
    return port.join();
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** The admin port ({@code /metrics}) it listens on. */
  public int adminPort() {
    return adminPort.join();
  }

  /** Everything it printed so far, stdout and stderr together. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Whether the process is still running. */
  public boolean alive() {
    return process.isAlive();
  }

  /** Sends SIGTERM, as systemd does on stop. */
  public void terminate() {
    // Through the handle: Process.destroy() would also close our end of its output.
    process.toHandle().destroy();
  }

  /** Sends SIGKILL. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Waits for the process to exit and returns its status. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("vigil did not exit within " + seconds + " s: " + output);
    }
    reader.join(5_000);
    return process.exitValue();
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
