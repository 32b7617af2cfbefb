package io.vigil.gateway;

import io.vigil.gateway.config.InferenceConfig;
import io.vigil.gateway.config.LimitsConfig;
import io.vigil.gateway.config.ServerConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.store.ModelStore;
import io.vigil.inference.validation.RangePolicy;
import java.nio.file.Path;
import java.time.Duration;

/** Starts real gateways on a free port for tests, with bundles pre-installed in their store. */
public final class TestGateways {

  private TestGateways() {}

  /**
   * A configuration on a free loopback port with the given data directory, whose admin port knows
   * the operator {@code alice} with the role approver ({@link #bearer}).
   */
  public static VigilConfig config(Path dataDir) {
    approver(dataDir);
    return VigilConfig.defaults().withDataDir(dataDir).withPort(0).withGrpcPort(0).withAdminPort(0);
  }

  private static final java.util.Map<Path, String> APPROVERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The token of {@code alice}, an approver registered in {@code dataDir}'s operators file (the way
   * {@code vigil operators add} does) before the gateway starts.
   */
  public static String approver(Path dataDir) {
    return APPROVERS.computeIfAbsent(
        dataDir.toAbsolutePath(),
        d -> {
          io.vigil.gateway.access.Credentials operators =
              io.vigil.gateway.access.Credentials.open(
                  d, io.vigil.gateway.access.Credentials.Kind.OPERATORS);
          if (operators.entries().stream().anyMatch(e -> e.name().equals("alice") && e.active())) {
            operators.revoke("alice");
          }
          return operators.addToken(
              "alice", java.util.Optional.of(io.vigil.gateway.access.Role.APPROVER));
        });
  }

  /** The {@code Authorization} header's value for the approver {@code alice} of {@code dataDir}. */
  public static String bearer(Path dataDir) {
    return "Bearer " + approver(dataDir);
  }

  /** {@code config} with other inference settings; every request goes through the batcher. */
  public static VigilConfig withInference(
      VigilConfig config,
      int maxBatch,
      Duration delay,
      int queueCapacity,
      int runners,
      RangePolicy policy,
      int maxRows) {
    return new VigilConfig(
        config.dataDir(),
        config.server(),
        new InferenceConfig(
            maxBatch, delay, queueCapacity, runners, 1, policy, maxRows, Duration.ZERO),
        config.audit(),
        config.admin(),
        config.trust(),
        config.monitoring(),
        config.sync(),
        config.grpc(),
        config.installDemoBundle(),
        config.shutdownGrace());
  }

  /**
   * {@code c} where this machine (127.0.0.1) is a trusted proxy whose {@code header} names the
   * device, as a reverse proxy in front of the gateway would.
   */
  public static VigilConfig withTrustedProxyHeader(VigilConfig c, String header) {
    ServerConfig s = c.server();
    return withServer(
        c,
        new ServerConfig(
            s.host(),
            s.port(),
            s.maxBodyBytes(),
            s.maxInflightBodyBytes(),
            header,
            new io.vigil.gateway.config.DeviceAccess(
                s.access().tls(),
                s.access().plaintext(),
                s.access().authentication(),
                java.util.List.of("127.0.0.1")),
            s.limits()));
  }

  /** {@code c} with another {@code server} section. */
  public static VigilConfig withServer(VigilConfig c, ServerConfig server) {
    return new VigilConfig(
        c.dataDir(),
        server,
        c.inference(),
        c.audit(),
        c.admin(),
        c.trust(),
        c.monitoring(),
        c.sync(),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }

  /** {@code config} with another body limit. */
  public static VigilConfig withMaxBody(VigilConfig config, long maxBodyBytes) {
    return withBodyLimits(config, maxBodyBytes, config.server().maxInflightBodyBytes());
  }

  /** {@code config} with another body limit and memory budget for request bodies. */
  public static VigilConfig withBodyLimits(
      VigilConfig config, long maxBodyBytes, long maxInflightBodyBytes) {
    ServerConfig s = config.server();
    return new VigilConfig(
        config.dataDir(),
        new ServerConfig(
            s.host(), s.port(), maxBodyBytes, maxInflightBodyBytes, s.deviceIdentityHeader()),
        config.inference(),
        config.audit(),
        config.admin(),
        config.trust(),
        config.monitoring(),
        config.sync(),
        config.grpc(),
        config.installDemoBundle(),
        config.shutdownGrace());
  }

  /** {@code config} with other {@code server.limits}. */
  public static VigilConfig withLimits(VigilConfig config, LimitsConfig limits) {
    return new VigilConfig(
        config.dataDir(),
        config.server().withLimits(limits),
        config.inference(),
        config.audit(),
        config.admin(),
        config.trust(),
        config.monitoring(),
        config.sync(),
        config.grpc(),
        config.installDemoBundle(),
        config.shutdownGrace());
  }

  /** {@code config} without the demonstration bundle. */
  public static VigilConfig withoutDemo(VigilConfig config) {
    return new VigilConfig(
        config.dataDir(),
        config.server(),
        config.inference(),
        config.audit(),
        config.admin(),
        config.trust(),
        config.monitoring(),
        config.sync(),
        config.grpc(),
        false,
        config.shutdownGrace());
  }

  /** Puts bundles into the store of {@code dataDir}, as an earlier installation would have. */
  public static void preinstall(Path dataDir, Bundle... bundles) {
    ModelStore store = ModelStore.open(dataDir);
    for (Bundle b : bundles) {
      store.install(b);
    }
  }

  /** Posts one row {@code [first, 1.5, -2]} to the test model and returns the HTTP status. */
  public static int inferTestRow(java.net.http.HttpClient client, int port, float first)
      throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/v2/models/test-model/infer"))
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": ["
                        + first
                        + ", 1.5, -2]}]}"))
            .build();
    return client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A row of the demonstration model's test set, the README's example, as an OIP request body. */
  public static final String DEMO_ROW =
      "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 30],"
          + " \"data\": [13.54, 14.36, 87.46, 566.3, 0.09779, 0.08129, 0.06664, 0.04781, 0.1885,"
          + " 0.05766, 0.2699, 0.7886, 2.058, 23.56, 0.008462, 0.0146, 0.02387, 0.01315, 0.0198,"
          + " 0.0023, 15.11, 19.26, 99.7, 711.2, 0.144, 0.1773, 0.239, 0.1288, 0.2977,"
          + " 0.07259]}]}";

  /** Posts {@link #DEMO_ROW} to the demonstration model and returns the HTTP status. */
  public static int inferTestRowOfDemo(java.net.http.HttpClient client, int port) throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    "http://127.0.0.1:" + port + "/v2/models/wdbc-malignancy/infer"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(DEMO_ROW))
            .build();
    return client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Writes {@code vigil.yaml} in {@code dir} for a gateway process with its data in {@code
   * dataDir}, no demonstration bundle, any free OIP port, and these more settings under {@code
   * server:} ({@code serverLines}, indented) and after it ({@code moreYaml}).
   */
  public static java.nio.file.Path configFile(
      java.nio.file.Path dir, java.nio.file.Path dataDir, String serverLines, String moreYaml)
      throws java.io.IOException {
    return java.nio.file.Files.writeString(
        dir.resolve("vigil.yaml"),
        "data-dir: "
            + dataDir
            + "\ninstall-demo-bundle: false\nserver:\n  port: 0\n"
            + serverLines
            + moreYaml);
  }

  /**
   * Sends live traffic of the test model ({@code x}, 3 features, 10 rows a request) to the active
   * version of {@code model} until its candidate's shadow run has decided (at most 100 requests),
   * and returns the active release then: what promotes a candidate in a test.
   */
  public static long shadowUntilDecided(Gateway gateway, String model) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (int i = 0; i < 100 && gateway.models().candidate(model).isPresent(); i++) {
      String body =
          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [10, 3],"
              + " \"data\": ["
              + "1, 2, 3, ".repeat(9)
              + (i % 7)
              + ", 0, -1]}]}";
      try {
        java.net.http.HttpResponse<String> answer =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:"
                                + gateway.port()
                                + "/v2/models/"
                                + model
                                + "/infer"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          throw new AssertionError("the active version answered " + answer.body());
        }
      } catch (java.io.IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
      gateway.updates().drain();
    }
    return gateway.models().active(model).manifest().release();
  }

  /** Windows of 100 rows (at least 50): what monitoring tests use to see windows close fast. */
  public static final io.vigil.gateway.config.MonitoringConfig SMALL_WINDOWS =
      new io.vigil.gateway.config.MonitoringConfig(true, 100, 50, Duration.ofMinutes(15));

  /** {@code c} with {@code monitoring}. */
  public static VigilConfig withMonitoring(
      VigilConfig c, io.vigil.gateway.config.MonitoringConfig monitoring) {
    return new VigilConfig(
        c.dataDir(),
        c.server(),
        c.inference(),
        c.audit(),
        c.admin(),
        c.trust(),
        monitoring,
        c.sync(),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }

  /**
   * A manufacturer's TUF repository in {@code dir}, made by the same {@code Repository} that {@code
   * vigil repo} uses, with a fresh key for each top-level role, held in memory.
   */
  public static io.vigil.trust.repo.Repository repository(Path dir) {
    java.util.Map<String, io.vigil.trust.key.SigningKey> keys = new java.util.HashMap<>();
    for (String role : java.util.List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, io.vigil.trust.key.SigningKey.generate());
    }
    return io.vigil.trust.repo.Repository.create(
        dir,
        io.vigil.trust.repo.Repository.inMemory(keys),
        java.time.Clock.systemUTC(),
        io.vigil.trust.repo.Expiry.DEFAULT,
        false);
  }

  /**
   * Copies a folder tree, a stopped gateway's data directory or a repository, keeping the files'
   * permissions (its keys') where both sides are on the same file system (not from a jar).
   */
  public static void copyTree(java.nio.file.Path from, java.nio.file.Path to)
      throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(from)) {
      for (java.nio.file.Path p : walk.toList()) {
        java.nio.file.Path target = to.resolve(from.relativize(p).toString());
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.createDirectories(target);
        } else if (p.getFileSystem().equals(target.getFileSystem())) {
          java.nio.file.Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        } else {
          java.nio.file.Files.copy(p, target);
        }
      }
    }
  }
}
