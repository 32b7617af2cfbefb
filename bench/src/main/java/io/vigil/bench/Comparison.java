package io.vigil.bench;

import io.vigil.bench.CompareReport.Sample;
import io.vigil.bench.CompareReport.Scenario;
import io.vigil.bench.GatewayUnderTest.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code --baseline-jar}: scenarios C, D and E, closed loop at 32 and 128 connections, on the
 * gateway JVMs of two builds side by side in one run. Every gateway is JIT-settled first; then the
 * builds take turns round by round, baseline first in odd rounds and current first in even ones
 * (baseline, current, current, baseline...), so that drift on a shared machine hits both alike.
 */
final class Comparison {

  private final CompareOptions options;
  private final Path work;
  private final Wrk wrk;
  private final JitWarmUp jit;
  private final CompareReport report;

  private Comparison(CompareOptions options) throws IOException {
    this.options = options;
    Files.createDirectories(options.out());
    this.work = Files.createDirectories(options.out().resolve("work"));
    this.wrk = new Wrk(work);
    this.jit = new JitWarmUp(wrk, options.warmUp());
    this.report = new CompareReport(options, Machine.describe(options.command()));
  }

  /** Runs the comparison the flags ask for and writes compare.md and compare.json. */
  static void run(Flags flags) throws IOException, InterruptedException {
    CompareOptions options;
    try {
      options = CompareOptions.from(flags);
    } catch (IllegalArgumentException e) {
      // A wrong flag is the caller's to fix: its message, not a stack trace.
      System.err.println("bench: " + e.getMessage());
      System.exit(64);
      return;
    }
    Watchdog.start(options.limit());
    new Comparison(options).run();
  }

  /** The two gateway JVMs of one build. */
  private record Hosts(CompareOptions.Build build, HostedGateway off, HostedGateway shipped)
      implements AutoCloseable {

    /**
     * Starts both; a build with the link on links them to {@code brokerUri}, a build with TLS on
     * serves devices over TLS with {@code pki}'s certificate; with {@code deviceToken} the load
     * presents a device token to either.
     */
    static Hosts start(
        CompareOptions.Build build, Path work, String brokerUri, BenchPki pki, boolean deviceToken)
        throws IOException, InterruptedException {
      if (build.tls() && pki == BenchPki.NONE) {
        throw new IllegalStateException("the " + build.role() + " build has no certificate");
      }
      HostedGateway.Access access =
          new HostedGateway.Access(build.tls() ? pki : BenchPki.NONE, deviceToken);
      List<String> jvmOptions = new ArrayList<>(build.jvmOptions());
      if (build.sync()) {
        if (brokerUri.isEmpty()) {
          throw new IllegalStateException("the " + build.role() + " build links to no broker");
        }
        jvmOptions.add("-D" + GatewayHost.SYNC_BROKER_PROPERTY + "=" + brokerUri);
      }
      HostedGateway off =
          HostedGateway.start(
              build.classPath(),
              jvmOptions,
              access,
              Variant.LEDGER_OFF,
              BenchModel.DEMO,
              32,
              work,
              build.role() + "-ledger-off");
      try {
        return new Hosts(
            build,
            off,
            HostedGateway.start(
                build.classPath(),
                jvmOptions,
                access,
                Variant.AS_SHIPPED,
                BenchModel.DEMO,
                32,
                work,
                build.role() + "-as-shipped"));
      } catch (IOException | InterruptedException | RuntimeException e) {
        off.close();
        throw e;
      }
    }

    HostedGateway serving(Scenario s) {
      return s == Scenario.E ? shipped : off;
    }

    /** Both gateways: D's (LEDGER_OFF, which also serves C) and E's (AS_SHIPPED). */
    List<HostedGateway> both() {
      return List.of(off, shipped);
    }

    @Override
    public void close() {
      // HostedGateway.close never throws: both are always stopped.
      shipped.close();
      off.close();
    }
  }

  /** One window of a round: a scenario at a connection count. */
  record Cell(Scenario scenario, int connections) {}

  private void run() throws IOException, InterruptedException {
    say(
        "before/after: baseline "
            + options.baseline().label()
            + " ("
            + options.baseline().classPath()
            + "), current "
            + options.current().label());
    Optional<BenchBroker> broker =
        options.sync() ? Optional.of(BenchBroker.start(work.resolve("broker"))) : Optional.empty();
    String brokerUri = broker.map(BenchBroker::uri).orElse("");
    broker.ifPresent(b -> say("MQTT broker (Mosquitto) at " + brokerUri));
    BenchPki pki = options.tls() ? BenchPki.create(work.resolve("pki")) : BenchPki.NONE;
    if (options.tls()) {
      say(
          "TLS for devices: a throwaway CA and server certificate in "
              + pki.dir()
              + "; wrk presents a device token to both builds (it cannot present a client"
              + " certificate)");
    }
    try (Hosts baseline = Hosts.start(options.baseline(), work, brokerUri, pki, options.tls());
        Hosts current = Hosts.start(options.current(), work, brokerUri, pki, options.tls())) {
      List<HostedGateway> shadowing = new ArrayList<>();
      if (options.shadow()) {
        Path repository = ShadowCandidate.copyRepository(work.resolve("update-repository"));
        for (Hosts hosts : List.of(baseline, current)) {
          if (hosts.build().shadow()) {
            for (HostedGateway g : hosts.both()) {
              ShadowCandidate.install(g.adminPort(), g.adminToken(), repository);
              shadowing.add(g);
            }
          }
        }
        say(
            ShadowCandidate.MODEL
                + " "
                + ShadowCandidate.VERSION
                + " installed as the candidate, in shadow, on "
                + shadowing.stream().map(HostedGateway::name).toList());
      }
      say(
          "JIT warm-up of each gateway and path ("
              + options.warmUp().min().toSeconds()
              + "-"
              + options.warmUp().max().toSeconds()
              + " s), then "
              + options.rounds()
              + " round(s) per build, alternating");
      warmUp(baseline);
      warmUp(current);
      List<ShadowCandidate.Figures> shadowBefore = shadowFigures(shadowing);
      long summariesBefore = broker.map(b -> b.received("summary")).orElse(0L);
      for (int round = 1; round <= options.rounds(); round++) {
        List<Cell> cells = cells(round);
        // Baseline first in odd rounds, current first in even ones (ABBA), so that a drift of the
        // machine through the run weighs on both builds alike.
        for (Hosts hosts :
            round % 2 == 1 ? List.of(baseline, current) : List.of(current, baseline)) {
          say("round " + round + " of " + options.rounds() + ": " + hosts.build().role());
          for (Cell cell : cells) {
            measure(hosts, cell, round);
          }
        }
      }
      broker.ifPresent(b -> report.broker(b.received(), b.received("summary") - summariesBefore));
      if (!shadowing.isEmpty()) {
        List<ShadowCandidate.Figures> shadowAfter = shadowFigures(shadowing);
        report.shadow(shadowBefore, shadowAfter);
        shadowAfter.forEach(
            f ->
                say(
                    "shadow on "
                        + f.gateway()
                        + ": stage "
                        + f.stage()
                        + ", "
                        + f.rows()
                        + " rows, "
                        + f.droppedRequests()
                        + " requests dropped (queue full)"));
      }
    } finally {
      broker.ifPresent(BenchBroker::close);
    }
    report.machine().put("load_after", Machine.loadAverage());
    write();
  }

  /**
   * The candidate's shadow figures on each of those gateways now; a gateway whose candidate is gone
   * (held, refused or promoted) reads as stage "none" with nothing counted.
   */
  private static List<ShadowCandidate.Figures> shadowFigures(List<HostedGateway> gateways)
      throws IOException, InterruptedException {
    List<ShadowCandidate.Figures> figures = new ArrayList<>();
    for (HostedGateway g : gateways) {
      figures.add(
          ShadowCandidate.read(g.name(), g.adminPort(), g.adminToken())
              .orElse(new ShadowCandidate.Figures(g.name(), "none", 0, 0, 0)));
    }
    return figures;
  }

  /** Each path at 32 connections, as the full run warms it, until the JIT settles. */
  private void warmUp(Hosts hosts) throws IOException, InterruptedException {
    BenchModel demo = BenchModel.DEMO;
    List<String> bodies = demo.requestBodies();
    int c = ClosedLoopRounds.CONNECTIONS;
    String infer = "infer, demo model";
    report.warmUp(jit.warm(hosts.off(), "infer", infer, demo.inferPath(), bodies, c, true).row());
    report.warmUp(jit.warm(hosts.off(), "v2", "GET /v2", "/v2", List.of(), c, false).row());
    report.warmUp(
        jit.warm(hosts.shipped(), "infer", infer, demo.inferPath(), bodies, c, true).row());
  }

  /**
   * The windows of a round, the same for both builds: odd rounds C, D, E at 32 then at 128
   * connections, even rounds the reverse, as the full run alternates its rounds.
   */
  static List<Cell> cells(int round) {
    List<Cell> cells = new ArrayList<>();
    for (int c : CompareOptions.CONNECTIONS) {
      for (Scenario s : Scenario.values()) {
        cells.add(new Cell(s, c));
      }
    }
    if (round % 2 == 0) {
      Collections.reverse(cells);
    }
    return cells;
  }

  private void measure(Hosts hosts, Cell cell, int round) throws IOException, InterruptedException {
    Scenario s = cell.scenario();
    boolean infer = s != Scenario.C;
    Row row =
        ClosedLoopRounds.window(
            wrk,
            hosts.serving(s),
            infer ? BenchModel.DEMO.inferPath() : "/v2",
            infer ? BenchModel.DEMO.requestBodies() : List.of(),
            cell.connections(),
            options.measure(),
            hosts.build().role() + "/" + s.name() + "/c" + cell.connections() + "/" + round,
            hosts.build().role() + ": " + s.label());
    System.out.println("bench: " + MarkdownReport.line(row));
    System.out.flush();
    report.add(new Sample(hosts.build().role(), s, cell.connections(), round, row));
  }

  private void write() throws IOException {
    Path json = options.out().resolve("compare.json");
    Path md = options.out().resolve("compare.md");
    Files.writeString(json, report.toJson().encodePrettily(), StandardCharsets.UTF_8);
    String text = report.markdown();
    Files.writeString(md, text, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(text);
    say("wrote " + json + " and " + md);
  }

  private static void say(String line) {
    System.out.println("bench: " + line);
    System.out.flush();
  }
}
