package io.vigil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

  /** Rounds per build by default: three of each, alternating, about 5 of the run's 8 minutes. */
  static final int DEFAULT_ROUNDS = 3;

  static final Duration DEFAULT_MEASURE = Duration.ofSeconds(8);
  static final Duration QUICK_MEASURE = Duration.ofSeconds(3);

  /** One build under comparison: its role in the table, how it is named, its class path. */
  record Build(String role, String label, String classPath) {

    Build {
      if (classPath.isBlank()) {
        throw new IllegalArgumentException("the " + role + " build has an empty class path");
      }
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
   * {@code --baseline-jar=PATH [--baseline-label=TEXT] [--current-label=TEXT] [--quick]
   * [--rounds=N] [--out=DIR] [--command=TEXT]}; the current build is the one running this harness.
   */
  static CompareOptions from(Flags f) {
    if (f.text("baseline").isPresent()) {
      throw new IllegalArgumentException(
          "--baseline=REV is for bench/run, which builds REV's bench jar first;"
              + " the harness itself takes --baseline-jar=PATH");
    }
    Path jar = Path.of(f.required("baseline-jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--baseline-jar: no such file: " + jar);
    }
    boolean quick = f.bool("quick");
    return new CompareOptions(
        new Build(
            CompareReport.BASELINE,
            f.text("baseline-label", jar.getFileName().toString()),
            jar.toAbsolutePath().toString()),
        new Build(
            CompareReport.CURRENT,
            f.text("current-label", "this build"),
            HostedGateway.ownClassPath()),
        quick,
        f.integer("rounds", quick ? 1 : DEFAULT_ROUNDS),
        quick ? QUICK_MEASURE : DEFAULT_MEASURE,
        quick ? JitWarmUp.Policy.QUICK : JitWarmUp.Policy.COMPARE,
        Path.of(f.text("out", "bench/target/results")),
        f.text("command", "bench/run --baseline-jar=" + jar));
  }

  /** The watchdog's limit: well over the expected 8 minutes (2 with {@code --quick}). */
  Duration limit() {
    return Duration.ofMinutes(quick ? 5L + rounds : 6L + 2L * rounds);
  }
}
