package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.Units;
import io.vigil.gateway.fleet.Alert;
import io.vigil.gateway.fleet.FleetStore;
import io.vigil.gateway.fleet.FleetTable;
import io.vigil.gateway.fleet.FleetWatch;
import io.vigil.gateway.fleet.GatewayRegistry;
import io.vigil.gateway.fleet.Outcome;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.link.Message;
import io.vigil.sync.publish.GatewayTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil fleet watch}: the fleet's summaries and events through an MQTT 5 shared
 * subscription, so that several watchers split a fleet, each message verified and stored by {@link
 * FleetWatch} on one thread of its own (never the link's), the table redrawn every few seconds.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Verify and store every summary and event of a fleet's gateways, print each refusal and"
            + " alert, and redraw the fleet's table. Watchers with one --share-group split the"
            + " fleet's messages between them (an MQTT 5 shared subscription).")
final class FleetWatchCommand implements Callable<Integer> {

  /** The shared subscription's group unless told otherwise. */
  static final String DEFAULT_SHARE_GROUP = "vigil-fleet";

  /**
   * How long the broker keeps the session of a watcher with a made-up client id once it is gone: a
   * shared subscription's messages for a session that is offline wait there, lost to the others.
   */
  static final Duration EPHEMERAL_SESSION_EXPIRY = Duration.ofMinutes(1);

  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Mixin BrokerOptions brokerOptions;

  @Option(
      names = "--gateways",
      required = true,
      paramLabel = "DIR",
      description = "The registered gateways: one <gateway>.pub identity key each.")
  Path gateways;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "FILE",
      description = "The SQLite file of what was received (created if missing).")
  Path store;

  @Option(
      names = "--share-group",
      defaultValue = DEFAULT_SHARE_GROUP,
      paramLabel = "NAME",
      description = "The shared subscription's group (default: ${DEFAULT-VALUE}).")
  String shareGroup;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description =
          "A stable MQTT client id: the broker keeps its session for a day, so a restarted watcher"
              + " gets what came meanwhile (default: a new id whose session ends a minute after).")
  String clientId;

  @Option(
      names = "--redraw",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description = "How often the table is printed again (default: ${DEFAULT-VALUE}).")
  String redraw;

  @Option(
      names = "--once-after",
      paramLabel = "DURATION",
      description = "Stop after DURATION and print the table once (for scripts and tests).")
  String onceAfter;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Duration every = duration("--redraw", redraw);
    Optional<Duration> stopAfter =
        Optional.ofNullable(onceAfter).map(text -> duration("--once-after", text));
    List<String> filters = filters();
    GatewayRegistry registry = GatewayRegistry.read(gateways);
    String id =
        clientId != null
            ? clientId
            : "vigil-watch-"
                + brokerOptions.fleet
                + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Optional<Duration> expiry =
        clientId != null ? Optional.empty() : Optional.of(EPHEMERAL_SESSION_EXPIRY);
    // FleetWatch and its SQLite store are used from this one thread only.
    ScheduledExecutorService worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-fleet-watch");
              t.setDaemon(true);
              return t;
            });
    FleetStore fleetStore = onWorker(worker, () -> FleetStore.open(store));
    try {
      FleetWatch watch = FleetWatch.create(registry, fleetStore, Clock.systemUTC());
      try (BrokerSession session =
          BrokerSession.connect(brokerOptions.link(id, expiry), brokerOptions.connectTimeout())) {
        for (String filter : filters) {
          session.await(
              session.link().subscribe(filter, m -> worker.execute(() -> accept(watch, m, out))),
              SUBSCRIBE_TIMEOUT,
              "subscribing to " + filter);
        }
        print(
            out,
            "watching "
                + registry.gateways().size()
                + " registered gateway(s) of fleet "
                + brokerOptions.fleet
                + " as "
                + id
                + " on "
                + String.join(", ", filters));
        if (stopAfter.isPresent()) {
          Thread.sleep(stopAfter.get().toMillis());
        } else {
          worker.scheduleWithFixedDelay(
              () -> print(out, FleetTable.render(registry, fleetStore)),
              every.toMillis(),
              every.toMillis(),
              TimeUnit.MILLISECONDS);
          new CountDownLatch(1).await();
        }
      }
      // The link is closed: what it delivered is queued on the worker, ahead of the table.
      onWorker(worker, () -> print(out, FleetTable.render(registry, fleetStore)));
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      onWorker(worker, fleetStore::close);
      worker.shutdown();
    }
  }

  private List<String> filters() {
    try {
      Topics.of(brokerOptions.fleet);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(Code.CONFIG_INVALID, "--fleet: " + e.getMessage());
    }
    if (shareGroup.isEmpty() || shareGroup.matches(".*[/+#\\s].*")) {
      throw new GatewayException(
          Code.CONFIG_INVALID, "--share-group '" + shareGroup + "' must be one topic level");
    }
    String prefix = "$share/" + shareGroup + "/vigil/v1/" + brokerOptions.fleet + "/+/";
    return List.of(prefix + GatewayTopics.SUMMARY, prefix + GatewayTopics.EVENTS);
  }

  private static void accept(FleetWatch watch, Message m, PrintWriter out) {
    Outcome outcome;
    try {
      outcome = watch.accept(m.topic(), m.payload());
    } catch (RuntimeException e) {
      print(out, "not stored: " + m.topic() + ": " + e.getMessage());
      return;
    }
    if (outcome instanceof Outcome.Refused r) {
      print(out, "refused " + m.topic() + ": " + r.reason() + ": " + r.detail());
    } else if (outcome instanceof Outcome.Accepted a) {
      for (Alert alert : a.alerts()) {
        print(out, "ALERT " + alert.gateway() + " " + alert.code() + ": " + alert.detail());
      }
    }
  }

  private static void print(PrintWriter out, String text) {
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }

  private static Duration duration(String option, String text) {
    return Units.parseDuration(text)
        .filter(d -> !d.isZero() && !d.isNegative())
        .orElseThrow(
            () ->
                new GatewayException(
                    Code.CONFIG_INVALID, option + " " + text + " is not a duration such as 5s"));
  }

  private static <T> T onWorker(ScheduledExecutorService worker, Callable<T> task) {
    try {
      return worker.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, "interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new GatewayException(Code.UNAVAILABLE, e.getCause().toString(), e.getCause());
    }
  }

  private static void onWorker(ScheduledExecutorService worker, Runnable task) {
    onWorker(
        worker,
        () -> {
          task.run();
          return null;
        });
  }
}
