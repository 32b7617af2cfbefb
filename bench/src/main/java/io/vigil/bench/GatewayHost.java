package io.vigil.bench;

import io.vigil.gateway.config.ConfigLoader;
import io.vigil.gateway.config.InferenceConfig;
import io.vigil.gateway.config.VigilConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The main class of a JVM that hosts one gateway and nothing else, so that its CPU time, JIT time
 * and resident memory are the gateway's. It answers one-line commands on stdin: {@code stats},
 * {@code admin-port}, {@code grpc-port}, {@code jfr-start}, {@code jfr-stop PATH}, {@code
 * jfr-discard}, {@code stop}; it stops on its own when stdin closes or its lifetime ends.
 *
 * <p>A benchmark-only model's bundle is installed into the data folder by the harness before this
 * JVM starts ({@link HostedGateway#start}), so that building it never touches the heap measured
 * here; the gateway loads it from its store like any other.
 */
public final class GatewayHost {

  /**
   * A system property that sets {@code inference.inline-below} in the hosted gateway, for a
   * comparison of that setting within one build; unset, the shipped default applies.
   */
  static final String INLINE_BELOW_PROPERTY = "vigil.bench.inline-below";

  /**
   * A system property that sets {@code monitoring.enabled} in the hosted gateway, for the cost of
   * live monitoring measured within one build; unset, the shipped default (on) applies.
   */
  static final String MONITORING_PROPERTY = "vigil.bench.monitoring";

  /**
   * A system property that turns the MQTT link on in the hosted gateway: the {@code tcp://} URI of
   * the run's broker ({@link BenchBroker}); unset, the shipped default (no link) applies.
   */
  static final String SYNC_BROKER_PROPERTY = "vigil.bench.sync-broker";

  /**
   * The summary interval of a gateway with the link on: the least {@code sync.summary-interval}
   * takes, so that summaries are built, signed and published all through the measured rounds.
   */
  static final String SYNC_SUMMARY_INTERVAL = "10s";

  /**
   * A system property that puts the hosted gateway's OIP server on TLS: the folder of the run's
   * {@link BenchPki} (server certificate and key, and the CA whose client certificates it accepts),
   * with {@code server.device-auth: required}; unset, plain HTTP with anonymous devices, the
   * embedded defaults on loopback.
   */
  static final String TLS_DIR_PROPERTY = "vigil.bench.tls-dir";

  /**
   * A system property that sets {@code audit.store-inputs} in the hosted gateway (the bindings
   * benchmark's imaging input with only its digest recorded); unset, the shipped default (stored)
   * applies. Not combined with {@link #SYNC_BROKER_PROPERTY}, which writes an {@code audit} section
   * of its own.
   */
  static final String STORE_INPUTS_PROPERTY = "vigil.bench.store-inputs";

  /**
   * A system property that sets {@code audit.durability} in the hosted gateway ({@code normal}, to
   * measure what the quality team would trade for it); unset, the shipped default (full) applies.
   * Not combined with {@link #SYNC_BROKER_PROPERTY}, as {@link #STORE_INPUTS_PROPERTY}.
   */
  static final String DURABILITY_PROPERTY = "vigil.bench.durability";

  /** The line prefix the harness waits for. */
  static final String READY = "vigil-bench-host ready port=";

  /**
   * The answer to {@code admin-port}: a command of its own rather than a field of {@link #READY},
   * whose form the bench jars of earlier builds, run as baselines, keep.
   */
  static final String ADMIN_PORT = "admin-port ";

  /** The answer to {@code grpc-port}, as {@link #ADMIN_PORT}. */
  static final String GRPC_PORT = "grpc-port ";

  private GatewayHost() {}

  /**
   * {@code --variant=LEDGER_OFF|AS_SHIPPED --model=DEMO|CONV|MLP --max-batch=N --data-dir=DIR
   * --lifetime-s=S}; the demo model is installed by the gateway itself, any other must already be
   * in the data folder's store.
   */
  public static void main(String[] args) throws Exception {
    Flags flags = Flags.parse(args);
    GatewayUnderTest.Variant variant = GatewayUnderTest.Variant.valueOf(flags.required("variant"));
    BenchModel model = BenchModel.valueOf(flags.required("model"));
    Path dataDir = Path.of(flags.required("data-dir"));
    int maxBatch = flags.integer("max-batch", InferenceConfig.DEFAULT_MAX_BATCH_SIZE);
    exitAfter(flags.seconds("lifetime-s", 900));

    VigilConfig config = ConfigLoader.parse(yaml(dataDir, model, maxBatch, variant), "vigil-bench");
    try (GatewayUnderTest gateway = GatewayUnderTest.start(variant, config)) {
      System.out.println(READY + gateway.port());
      System.out.flush();
      serve(gateway);
    }
  }

  /**
   * The shipped defaults except what a benchmark must set: its data folder, a free loopback port,
   * the max batch and whether the demo bundle is installed, and the settings a comparison gives
   * through system properties. Through the real loader, so the host keeps working whatever fields
   * the configuration records gain.
   */
  static String yaml(
      Path dataDir, boolean installDemo, int maxBatch, GatewayUnderTest.Variant variant) {
    return yaml(dataDir, installDemo, maxBatch, variant, "");
  }

  /**
   * As above for {@code model}: the demo bundle installed for the demo model, and for the imaging
   * input, whose JSON body is over the shipped 1 MiB, a body limit of its own, as a hospital would
   * set it for an imaging model ({@code server.limits.model-max-body}).
   */
  static String yaml(
      Path dataDir, BenchModel model, int maxBatch, GatewayUnderTest.Variant variant) {
    String limits =
        model == BenchModel.IMAGE
            ? "  limits:\n    model-max-body:\n      " + model.modelId() + ": 16MiB"
            : "";
    return yaml(dataDir, model == BenchModel.DEMO, maxBatch, variant, limits);
  }

  private static String yaml(
      Path dataDir,
      boolean installDemo,
      int maxBatch,
      GatewayUnderTest.Variant variant,
      String serverLimits) {
    return String.join(
        "\n",
        "data-dir: \"" + dataDir.toAbsolutePath().toString().replace("\"", "\\\"") + "\"",
        "install-demo-bundle: " + installDemo,
        "shutdown-grace: 5s",
        "server:",
        "  host: 127.0.0.1",
        "  port: 0",
        Optional.ofNullable(System.getProperty(TLS_DIR_PROPERTY))
            .map(dir -> tls(Path.of(dir)))
            .orElse(""),
        serverLimits,
        "admin:",
        "  port: 0",
        // The protocol's gRPC binding, on by default at 8081: two hosts side by side need their
        // own.
        "grpc:",
        "  port: 0",
        "inference:",
        "  max-batch-size: " + maxBatch,
        Optional.ofNullable(System.getProperty(INLINE_BELOW_PROPERTY))
            .map(d -> "  inline-below: " + d)
            .orElse(""),
        Optional.ofNullable(System.getProperty(MONITORING_PROPERTY))
            .map(on -> "monitoring:\n  enabled: " + on)
            .orElse(""),
        Optional.ofNullable(System.getProperty(SYNC_BROKER_PROPERTY))
            .map(broker -> sync(broker, variant))
            .orElse(""),
        audit(),
        "");
  }

  /** The {@code audit} section the system properties ask for, or none. */
  private static String audit() {
    String storeInputs =
        Optional.ofNullable(System.getProperty(STORE_INPUTS_PROPERTY))
            .map(on -> "\n  store-inputs: " + on)
            .orElse("");
    String durability =
        Optional.ofNullable(System.getProperty(DURABILITY_PROPERTY))
            .map(d -> "\n  durability: " + d)
            .orElse("");
    return storeInputs.isEmpty() && durability.isEmpty() ? "" : "audit:" + storeInputs + durability;
  }

  /**
   * Devices over TLS, as a hospital sets it up: the server's certificate, the hospital CA's client
   * certificates asked for (a device may present one or a token), every device authenticated.
   */
  private static String tls(Path dir) {
    return String.join(
        "\n",
        "  device-auth: required",
        "  tls:",
        "    cert-file: " + quoted(dir.resolve(BenchPki.SERVER_CERT)),
        "    key-file: " + quoted(dir.resolve(BenchPki.SERVER_KEY)),
        "    client-ca-file: " + quoted(dir.resolve(BenchPki.CA_CERT)));
  }

  private static String quoted(Path p) {
    return "\"" + p.toAbsolutePath().toString().replace("\"", "\\\"") + "\"";
  }

  /**
   * The link to the run's plain-TCP broker. The gateway's name in its topics is its checkpoints'
   * origin, which must then be one topic level: one per variant, so the two gateways of a build
   * never share a client id.
   */
  private static String sync(String broker, GatewayUnderTest.Variant variant) {
    return String.join(
        "\n",
        "audit:",
        "  origin: bench-" + variant.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        "sync:",
        "  broker: \"" + broker + "\"",
        "  allow-plaintext: true",
        "  fleet: " + BenchBroker.FLEET,
        "  summary-interval: " + SYNC_SUMMARY_INTERVAL);
  }

  private static void serve(GatewayUnderTest gateway) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Recording recording = null;
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ", 2);
      switch (words[0]) {
        case "stats" -> System.out.println(stats(gateway));
        case "predictions" -> {
          String[] range = words[1].split(" ");
          long n =
              gateway.predictions(Long.parseLong(range[0]), Long.parseLong(range[1])).orElse(-1);
          System.out.println("predictions " + n);
        }
        case "admin-port" -> System.out.println(ADMIN_PORT + gateway.adminPort());
        case "grpc-port" -> System.out.println(GRPC_PORT + gateway.grpcPort());
        case "jfr-start" -> {
          try {
            recording = new Recording(Configuration.getConfiguration("profile"));
          } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
          }
          // Finer than the profile's 10 ms: a 10 s window then holds thousands of samples.
          recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
          recording.start();
          System.out.println("jfr started");
        }
        case "jfr-discard" -> {
          if (recording != null) {
            recording.close();
            recording = null;
          }
          System.out.println("jfr discarded");
        }
        case "jfr-stop" -> {
          if (recording != null) {
            recording.stop();
            recording.dump(Path.of(words[1]));
            recording.close();
            recording = null;
          }
          System.out.println("jfr stopped");
        }
        case "stop" -> {
          return;
        }
        default -> System.out.println("unknown command: " + line);
      }
      System.out.flush();
    }
  }

  /**
   * The {@code stats} line; {@code commits} and {@code commit_ns} are the ledger's group commits
   * and their total time from its own meter, -1 without a ledger.
   */
  private static String stats(GatewayUnderTest gateway) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] memory = ProcStatus.rssAndPeakKb(ProcessHandle.current().pid());
    long[] commits = gateway.ledgerCommits().orElse(new long[] {-1, -1});
    return String.format(
        Locale.ROOT,
        "stats cpu_ns=%d jit_ms=%d rss_kb=%d hwm_kb=%d runs=%d rows=%d ledger=%d commits=%d"
            + " commit_ns=%d",
        os.getProcessCpuTime(),
        jitMillis(),
        memory[0],
        memory[1],
        gateway.batcherRuns(),
        gateway.batcherRows(),
        gateway.ledgerEntries().orElse(-1),
        commits[0],
        commits[1]);
  }

  /**
   * The JIT compilers' accumulated compilation time in this JVM, ms ({@code
   * CompilationMXBean.getTotalCompilationTime}); -1 where the JVM does not report it.
   */
  static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  private static void exitAfter(Duration lifetime) {
    Thread guard =
        new Thread(
            () -> {
              try {
                Thread.sleep(lifetime.toMillis());
                System.err.println("vigil-bench-host: lifetime of " + lifetime + " over; exiting");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vigil-bench-host-lifetime");
    guard.setDaemon(true);
    guard.start();
  }
}
