package io.vigil.bench;

import io.vigil.gateway.access.Credentials;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.store.ModelStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A {@link GatewayHost} JVM started by the harness, driven over its stdin and stdout. */
final class HostedGateway implements AutoCloseable {

  /** The heap of the shipped systemd unit. */
  static final String HEAP = "-Xmx256m";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final int port;
  private final String name;
  private int adminPort;
  private final Path dataDir;
  private final boolean tls;
  private final String deviceToken;

  /**
   * How the load reaches a hosted gateway's OIP port: plain HTTP or TLS with the run's {@link
   * BenchPki} (devices must then authenticate, {@code server.device-auth: required}), and whether a
   * device token is registered in its data folder before it starts and sent with every request.
   *
   * @param pki the run's certificates, or {@link BenchPki#NONE} for plain HTTP
   * @param deviceToken whether the load presents a device token
   */
  record Access(BenchPki pki, boolean deviceToken) {

    /** Plain HTTP, anonymous devices: the embedded defaults on loopback. */
    static final Access PLAIN = new Access(BenchPki.NONE, false);

    boolean tls() {
      return pki != BenchPki.NONE;
    }
  }

  private HostedGateway(Process process, String name, Path dataDir, boolean tls, String deviceToken)
      throws InterruptedException {
    this.process = process;
    this.dataDir = dataDir;
    this.name = name;
    this.tls = tls;
    this.deviceToken = deviceToken;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readLines, "vigil-bench-host-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    String ready = next(START_TIMEOUT, GatewayHost.READY);
    this.port = Integer.parseInt(ready.substring(GatewayHost.READY.length()).trim());
  }

  /** The class path of this JVM: a host started on it runs the build that runs the harness. */
  static String ownClassPath() {
    return System.getProperty("java.class.path");
  }

  /** Starts a gateway JVM with its data in a fresh folder under {@code workDir}. */
  static HostedGateway start(
      GatewayUnderTest.Variant variant, BenchModel model, int maxBatch, Path workDir, String name)
      throws IOException, InterruptedException {
    return start(ownClassPath(), List.of(), variant, model, maxBatch, workDir, name);
  }

  /**
   * Starts a gateway JVM of the build on {@code classPath} (this harness's or an earlier bench jar:
   * the {@link GatewayHost} command line is the same for both).
   */
  static HostedGateway start(
      String classPath,
      List<String> jvmOptions,
      GatewayUnderTest.Variant variant,
      BenchModel model,
      int maxBatch,
      Path workDir,
      String name)
      throws IOException, InterruptedException {
    return start(classPath, jvmOptions, Access.PLAIN, variant, model, maxBatch, workDir, name);
  }

  /** As above, reached as {@code access} says (TLS, a device token). */
  static HostedGateway start(
      String classPath,
      List<String> jvmOptions,
      Access access,
      GatewayUnderTest.Variant variant,
      BenchModel model,
      int maxBatch,
      Path workDir,
      String name)
      throws IOException, InterruptedException {
    return start(
        classPath,
        jvmOptions,
        access,
        variant,
        model,
        model == BenchModel.DEMO ? null : model.bundle(),
        maxBatch,
        workDir,
        name);
  }

  /**
   * Starts a gateway JVM for a benchmark-only model whose bundle the caller built once: it is
   * installed into the gateway's store here, in the harness, so the measured JVM never builds it.
   */
  static HostedGateway start(
      GatewayUnderTest.Variant variant,
      BenchModel model,
      Bundle bundle,
      int maxBatch,
      Path workDir,
      String name)
      throws IOException, InterruptedException {
    return start(ownClassPath(), List.of(), variant, model, bundle, maxBatch, workDir, name);
  }

  /** As above, the JVM given {@code jvmOptions} (the system properties of {@link GatewayHost}). */
  static HostedGateway start(
      String classPath,
      List<String> jvmOptions,
      GatewayUnderTest.Variant variant,
      BenchModel model,
      Bundle bundle,
      int maxBatch,
      Path workDir,
      String name)
      throws IOException, InterruptedException {
    return start(
        classPath, jvmOptions, Access.PLAIN, variant, model, bundle, maxBatch, workDir, name);
  }

  private static HostedGateway start(
      String classPath,
      List<String> jvmOptions,
      Access access,
      GatewayUnderTest.Variant variant,
      BenchModel model,
      Bundle bundle,
      int maxBatch,
      Path workDir,
      String name)
      throws IOException, InterruptedException {
    Path dataDir = workDir.resolve(name + "-data");
    // Fresh every run: a store left by an earlier run may hold another build of the same model id.
    deleteTree(dataDir);
    Files.createDirectories(dataDir);
    if (model != BenchModel.DEMO) {
      ModelStore.open(dataDir).install(bundle);
    }
    // Registered before the start, as `vigil devices add` would be: the gateway reads it at once.
    String token =
        access.deviceToken()
            ? Credentials.open(dataDir, Credentials.Kind.DEVICES)
                .addToken("bench-load", Optional.empty())
            : "";
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(HEAP);
    command.addAll(jvmOptions);
    if (access.tls()) {
      command.add("-D" + GatewayHost.TLS_DIR_PROPERTY + "=" + access.pki().dir().toAbsolutePath());
    }
    command.add("-cp");
    command.add(classPath);
    command.add(GatewayHost.class.getName());
    command.add("--variant=" + variant);
    command.add("--model=" + model);
    command.add("--max-batch=" + maxBatch);
    command.add("--data-dir=" + dataDir);
    command.add("--lifetime-s=1200");
    Process p =
        new ProcessBuilder(command).redirectError(workDir.resolve(name + ".log").toFile()).start();
    try {
      return new HostedGateway(p, name, dataDir, access.tls(), token);
    } catch (RuntimeException | InterruptedException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** Where wrk reaches its OIP port: the scheme, the port and the device token it presents. */
  Wrk.Target target() {
    return new Wrk.Target(tls, port, deviceToken);
  }

  /** The local operator's token that the hosted gateway wrote for this run. */
  String adminToken() {
    return io.vigil.gateway.access.LocalOperator.read(dataDir)
        .orElseThrow(() -> new IllegalStateException("no local operator token in " + dataDir));
  }

  /**
   * The port of its admin API, asked once and kept: only the update's install and reading need it.
   */
  int adminPort() {
    if (adminPort == 0) {
      String answer = command("admin-port", GatewayHost.ADMIN_PORT);
      adminPort = Integer.parseInt(answer.substring(GatewayHost.ADMIN_PORT.length()).trim());
    }
    return adminPort;
  }

  /** The port of its gRPC binding, asked each time (only the bindings benchmark needs it). */
  int grpcPort() {
    String answer = command("grpc-port", GatewayHost.GRPC_PORT);
    return Integer.parseInt(answer.substring(GatewayHost.GRPC_PORT.length()).trim());
  }

  /** The name it was started with: its data folder and log are named after it. */
  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  HostStats stats() {
    return HostStats.parse(command("stats", "stats "));
  }

  /** The prediction entries among the ledger's entries from..to-1; -1 without a ledger. */
  long predictions(long from, long to) {
    String line = command("predictions " + from + " " + to, "predictions ");
    return Long.parseLong(line.substring("predictions ".length()).trim());
  }

  void startRecording() {
    command("jfr-start", "jfr started");
  }

  /** Stops the recording and keeps nothing of it. */
  void discardRecording() {
    command("jfr-discard", "jfr discarded");
  }

  void stopRecording(Path file) {
    command("jfr-stop " + file.toAbsolutePath(), "jfr stopped");
  }

  @Override
  public void close() {
    try {
      commands.write("stop\n");
      commands.flush();
      commands.close();
    } catch (IOException e) {
      // Already gone: nothing left to stop gracefully.
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes a folder the store may have made read-only, and all under it; nothing if absent. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> paths = Files.walk(root)) {
      all = paths.sorted(Comparator.reverseOrder()).toList();
    }
    // The store makes its folders read-only; their owner may make them writable again to unlink.
    for (Path p : all) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        p.toFile().setWritable(true, true);
      }
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }

  private String command(String line, String answerPrefix) {
    try {
      commands.write(line + "\n");
      commands.flush();
      return next(COMMAND_TIMEOUT, answerPrefix);
    } catch (IOException e) {
      throw new UncheckedIOException("gateway host " + process.pid() + " is gone", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the gateway host", e);
    }
  }

  private String next(Duration timeout, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IllegalStateException(
            "gateway host "
                + process.pid()
                + " gave no '"
                + prefix
                + "' within "
                + timeout
                + (process.isAlive() ? "" : " (it exited: see its log)"));
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  private void readLines() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The host exited; waiters time out and say so.
    }
  }
}
