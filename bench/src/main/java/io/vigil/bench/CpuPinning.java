package io.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The gateway and the open-loop generator on separate CPUs with {@code taskset} (util-linux), so
 * that the generator cannot take the gateway's core; or, where that cannot be done (no {@code
 * taskset}, fewer than two CPUs allowed to this run), the reason, said beside the figures.
 */
final class CpuPinning {

  static final String TASKSET = "taskset";

  private final int gatewayCpu;
  private final int generatorCpu;
  private final String allowed;
  private final String unavailable;

  private CpuPinning(int gatewayCpu, int generatorCpu, String allowed, String unavailable) {
    this.gatewayCpu = gatewayCpu;
    this.generatorCpu = generatorCpu;
    this.allowed = allowed;
    this.unavailable = unavailable;
  }

  /** This run's plan: from its own allowed CPUs ({@code /proc/self/status}) and the PATH. */
  static CpuPinning detect() {
    String allowedList = "";
    try {
      allowedList =
          allowedList(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8))
              .orElse("");
    } catch (IOException e) {
      // Not Linux: plan() says there is nothing to pin with.
    }
    return plan(onPath(TASKSET), allowedList);
  }

  /**
   * The plan for {@code allowedList} (the CPUs this run may use, as {@code taskset -c} writes
   * them): the gateway on the first, the generator on the second.
   */
  static CpuPinning plan(boolean tasksetFound, String allowedList) {
    if (!tasksetFound) {
      return new CpuPinning(
          -1, -1, allowedList, "could not pin: no taskset on the PATH (Debian package util-linux)");
    }
    List<Integer> cpus;
    try {
      cpus = cpus(allowedList);
    } catch (IllegalArgumentException e) {
      return new CpuPinning(
          -1, -1, allowedList, "could not pin: unreadable CPU list '" + allowedList + "'");
    }
    if (cpus.size() < 2) {
      return new CpuPinning(
          -1,
          -1,
          allowedList,
          "could not pin: "
              + cpus.size()
              + " CPU(s) allowed to this run ("
              + (allowedList.isEmpty() ? "none read" : allowedList)
              + "), two are needed");
    }
    return new CpuPinning(cpus.get(0), cpus.get(1), allowedList, "");
  }

  /** The CPUs of a list such as {@code 0-3,6,8-9}, ascending. */
  static List<Integer> cpus(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    if (list.isBlank()) {
      return List.of();
    }
    for (String part : list.trim().split(",")) {
      String[] range = part.trim().split("-", 2);
      try {
        int from = Integer.parseInt(range[0].trim());
        int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
        if (from < 0 || to < from) {
          throw new IllegalArgumentException("not a CPU range: '" + part + "'");
        }
        for (int c = from; c <= to; c++) {
          cpus.add(c);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CPU range: '" + part + "'", e);
      }
    }
    return List.copyOf(cpus);
  }

  /** The {@code Cpus_allowed_list} of a {@code /proc/<pid>/status} text. */
  static Optional<String> allowedList(String procStatus) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("Cpus_allowed_list:")) {
        return Optional.of(line.substring("Cpus_allowed_list:".length()).trim());
      }
    }
    return Optional.empty();
  }

  boolean possible() {
    return unavailable.isEmpty();
  }

  int gatewayCpu() {
    return gatewayCpu;
  }

  int generatorCpu() {
    return generatorCpu;
  }

  /** How the load was placed, or why it could not be: said beside the figures. */
  String note() {
    return possible()
        ? "gateway JVM on CPU "
            + gatewayCpu
            + ", generator JVM on CPU "
            + generatorCpu
            + " (taskset; this run's CPUs: "
            + allowed
            + ")"
        : unavailable;
  }

  /** What a generator JVM's command line starts with: {@code taskset -c N}, or nothing. */
  List<String> generatorLauncher() {
    return possible() ? List.of(TASKSET, "-c", Integer.toString(generatorCpu)) : List.of();
  }

  /**
   * What a JVM's command line starts with to run on the gateway's CPU, as the ledger's floor does
   * while the gateways are idle: {@code taskset -c N}, or nothing.
   */
  List<String> gatewayLauncher() {
    return possible() ? List.of(TASKSET, "-c", Integer.toString(gatewayCpu)) : List.of();
  }

  /**
   * Pins every thread of the running process {@code pid} to the gateway's CPU until the returned
   * handle is closed, which gives it back every CPU this run may use.
   */
  Pinned pinGateway(long pid) throws IOException, InterruptedException {
    if (!possible()) {
      throw new IllegalStateException(unavailable);
    }
    taskset(Integer.toString(gatewayCpu), pid);
    return () -> taskset(allowed, pid);
  }

  /** A process pinned until closed. */
  interface Pinned extends AutoCloseable {
    @Override
    void close() throws IOException, InterruptedException;
  }

  private static void taskset(String cpuList, long pid) throws IOException, InterruptedException {
    List<String> command = List.of(TASKSET, "-a", "-p", "-c", cpuList, Long.toString(pid));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("taskset did not finish: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.trim());
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, program))
        .anyMatch(Files::isExecutable);
  }
}
