package io.vigil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a before/after comparison ({@code --baseline-jar}) runs: the two builds, the rounds, the
 * window and the warm-up, checked once from the command line.
 */
record CompareOptions(
    Build baseline,
    Build current,
    boolean quick,
    int rounds,
    Duration measure,
    JitWarmUp.Policy warmUp,
    Path out,
    String command) {

  /** Connections of the closed-loop windows: the harness's 32, and 128 for a deeper queue. */
  static final List<Integer> CONNECTIONS = List.of(ClosedLoopRounds.CONNECTIONS, 128);

  /** {@code --baseline-jar=self}: the harness's own build is the baseline too. */
  static final String SELF = "self";

  /**
   * Rounds per build by default: four of each, in the order ABBA ABBA, about 7 of the run's 10
   * minutes.
   */
  static final int DEFAULT_ROUNDS = 4;

  static final Duration DEFAULT_MEASURE = Duration.ofSeconds(8);
  static final Duration QUICK_MEASURE = Duration.ofSeconds(3);

  /**
   * One build under comparison: its role in the table, how it is named, its class path, the options
   * its gateway JVMs start with (a setting to compare within one build), whether its gateways link
   * to the run's MQTT broker ({@link BenchBroker}, started only for such a build), whether they get
   * the demo's 1.1.0 installed as a candidate in shadow ({@link ShadowCandidate}), and whether they
   * serve devices over TLS with the run's certificate ({@link BenchPki}).
   */
  record Build(
      String role,
      String label,
      String classPath,
      List<String> jvmOptions,
      boolean sync,
      boolean shadow,
      boolean tls) {

    Build {
      if (classPath.isBlank()) {
        throw new IllegalArgumentException("the " + role + " build has an empty class path");
      }
      jvmOptions = List.copyOf(jvmOptions);
    }

    Build(String role, String label, String classPath, List<String> jvmOptions) {
      this(role, label, classPath, jvmOptions, false, false, false);
    }

    Build(String role, String label, String classPath) {
      this(role, label, classPath, List.of());
    }
  }

  CompareOptions {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
  }

  /** Whether the command line asks for a comparison rather than the full run. */
  static boolean wanted(Flags f) {
    return f.text("baseline-jar").isPresent() || f.text("baseline").isPresent();
  }

  /**
   * {@code --baseline-jar=PATH|self [--baseline-inline-below=DURATION]
   * [--baseline-monitoring=on|off] [--baseline-sync=on|off] [--baseline-shadow=on|off]
   * [--baseline-tls=on|off] [--baseline-label=TEXT] [--current-label=TEXT] [--quick] [--rounds=N]
   * [--out=DIR] [--command=TEXT]}; the current build is the one running this harness. {@code
   * --baseline-sync}, {@code --baseline-shadow} and {@code --baseline-tls} give the baseline that
   * setting (of the MQTT link, of a candidate update in shadow, of TLS for devices) and the current
   * build the other one, since the shipped default (off) alone compares nothing. With {@code
   * --baseline-tls} both builds' load presents a device token, so that TLS is the one difference.
   */
  static CompareOptions from(Flags f) {
    if (f.text("baseline").isPresent()) {
      throw new IllegalArgumentException(
          "--baseline=REV is for bench/run, which builds REV's bench jar first;"
              + " the harness itself takes --baseline-jar=PATH");
    }
    String jarFlag = f.required("baseline-jar");
    // "self": this very build on both sides, to compare a setting (--baseline-inline-below).
    Path jar = jarFlag.equals(SELF) ? null : Path.of(jarFlag);
    if (jar != null && !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--baseline-jar: no such file: " + jar);
    }
    List<String> baselineOptions = new java.util.ArrayList<>();
    f.text("baseline-inline-below")
        .ifPresent(d -> baselineOptions.add("-D" + GatewayHost.INLINE_BELOW_PROPERTY + "=" + d));
    f.text("baseline-monitoring")
        .ifPresent(
            on -> {
              if (!on.equals("on") && !on.equals("off")) {
                throw new IllegalArgumentException("--baseline-monitoring: on or off, not " + on);
              }
              baselineOptions.add(
                  "-D"
                      + GatewayHost.MONITORING_PROPERTY
                      + "="
                      + (on.equals("on") ? "true" : "false"));
            });
    Optional<Boolean> baselineSync = onOff(f, "baseline-sync");
    if (baselineSync.isPresent() && jar != null) {
      throw new IllegalArgumentException(
          "--baseline-sync compares the link within one build: use it with --baseline-jar=self");
    }
    Optional<Boolean> baselineShadow = onOff(f, "baseline-shadow");
    if (baselineShadow.isPresent() && jar != null) {
      throw new IllegalArgumentException(
          "--baseline-shadow compares a candidate in shadow within one build:"
              + " use it with --baseline-jar=self");
    }
    Optional<Boolean> baselineTls = onOff(f, "baseline-tls");
    if (baselineTls.isPresent() && jar != null) {
      throw new IllegalArgumentException(
          "--baseline-tls compares TLS for devices within one build:"
              + " use it with --baseline-jar=self");
    }
    boolean quick = f.bool("quick");
    return new CompareOptions(
        new Build(
            CompareReport.BASELINE,
            f.text(
                "baseline-label",
                (jar == null ? "this build" : jar.getFileName().toString())
                    + f.text("baseline-inline-below").map(d -> ", inline-below " + d).orElse("")
                    + f.text("baseline-monitoring").map(m -> ", monitoring " + m).orElse("")
                    + baselineSync.map(on -> ", sync " + onOff(on)).orElse("")
                    + baselineShadow.map(on -> ", shadow " + onOff(on)).orElse("")
                    + baselineTls.map(on -> ", TLS " + onOff(on)).orElse("")),
            jar == null ? HostedGateway.ownClassPath() : jar.toAbsolutePath().toString(),
            baselineOptions,
            baselineSync.orElse(false),
            baselineShadow.orElse(false),
            baselineTls.orElse(false)),
        new Build(
            CompareReport.CURRENT,
            f.text("current-label", "this build")
                + baselineSync.map(on -> ", sync " + onOff(!on)).orElse("")
                + baselineShadow.map(on -> ", shadow " + onOff(!on)).orElse("")
                + baselineTls.map(on -> ", TLS " + onOff(!on)).orElse(""),
            HostedGateway.ownClassPath(),
            List.of(),
            baselineSync.map(on -> !on).orElse(false),
            baselineShadow.map(on -> !on).orElse(false),
            baselineTls.map(on -> !on).orElse(false)),
        quick,
        f.integer("rounds", quick ? 1 : DEFAULT_ROUNDS),
        quick ? QUICK_MEASURE : DEFAULT_MEASURE,
        quick ? JitWarmUp.Policy.QUICK : JitWarmUp.Policy.COMPARE,
        Path.of(f.text("out", "bench/target/results")),
        f.text("command", "bench/run --baseline-jar=" + jarFlag));
  }

  /** Whether either build's gateways link to an MQTT broker. */
  boolean sync() {
    return baseline.sync() || current.sync();
  }

  /**
   * Whether either build's gateways serve devices over TLS; then the load on both builds presents a
   * device token, so that TLS is the one difference between them.
   */
  boolean tls() {
    return baseline.tls() || current.tls();
  }

  /** Whether either build's gateways run the demo's 1.1.0 in shadow. */
  boolean shadow() {
    return baseline.shadow() || current.shadow();
  }

  /** A flag that takes {@code on} or {@code off}, if given. */
  private static Optional<Boolean> onOff(Flags f, String name) {
    return f.text(name)
        .map(
            on -> {
              if (!on.equals("on") && !on.equals("off")) {
                throw new IllegalArgumentException("--" + name + ": on or off, not " + on);
              }
              return on.equals("on");
            });
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }

  /** The watchdog's limit: well over the expected 10 minutes (2 with {@code --quick}). */
  Duration limit() {
    return Duration.ofMinutes(quick ? 5L + rounds : 6L + 2L * rounds);
  }
}
