package io.vigil.gateway.systemd;

import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Feeds systemd's watchdog ({@code WATCHDOG=1}) every half of {@code WATCHDOG_USEC}, from a timer
 * on the gateway's event loop and only while the gateway says it has no fault: a stalled event loop
 * or a fault stops the feeding, and systemd restarts the service once {@code WatchdogSec} has
 * passed.
 */
public final class Watchdog implements AutoCloseable {

  /** The environment variable with the watchdog's timeout, in microseconds. */
  public static final String WATCHDOG_USEC = "WATCHDOG_USEC";

  /** The environment variable naming the process the watchdog is meant for, when set. */
  public static final String WATCHDOG_PID = "WATCHDOG_PID";

  private static final Logger LOG = System.getLogger(Watchdog.class.getName());

  private final Vertx vertx;
  private final Notifier notifier;
  private final Supplier<Optional<String>> fault;
  private final long timerId;
  private Optional<String> withheldFor = Optional.empty();

  private Watchdog(
      Vertx vertx, Duration interval, Notifier notifier, Supplier<Optional<String>> fault) {
    this.vertx = vertx;
    this.notifier = notifier;
    this.fault = fault;
    this.timerId = vertx.setPeriodic(1, interval.toMillis(), id -> tick());
  }

  /**
   * Starts feeding when this process's environment asks for a watchdog and notifications go
   * somewhere; {@code fault} says why the gateway cannot work, empty while it can.
   */
  public static Optional<Watchdog> fromEnvironment(
      Vertx vertx, Notifier notifier, Supplier<Optional<String>> fault) {
    return start(System.getenv(), ProcessHandle.current().pid(), vertx, notifier, fault);
  }

  /** {@link #fromEnvironment} for {@code env} and process {@code pid}. */
  static Optional<Watchdog> start(
      Map<String, String> env,
      long pid,
      Vertx vertx,
      Notifier notifier,
      Supplier<Optional<String>> fault) {
    if (!notifier.enabled()) {
      return Optional.empty();
    }
    return interval(env, pid).map(i -> new Watchdog(vertx, i, notifier, fault));
  }

  /** Half the watchdog's timeout, as sd_watchdog_enabled(3) advises; empty when not asked for. */
  static Optional<Duration> interval(Map<String, String> env, long pid) {
    String usec = env.get(WATCHDOG_USEC);
    String forPid = env.get(WATCHDOG_PID);
    if (usec == null || (forPid != null && !forPid.equals(Long.toString(pid)))) {
      return Optional.empty();
    }
    long micros;
    try {
      micros = Long.parseLong(usec);
    } catch (NumberFormatException e) {
      LOG.log(Level.WARNING, "WATCHDOG_USEC=" + usec + " is not a number: no watchdog");
      return Optional.empty();
    }
    if (micros <= 0) {
      return Optional.empty();
    }
    // Vert.x timers count in milliseconds and take no less than one.
    return Optional.of(Duration.ofMillis(Math.max(1, micros / 2_000)));
  }

  private void tick() {
    Optional<String> now = fault.get();
    if (now.isPresent()) {
      if (!now.equals(withheldFor)) {
        LOG.log(
            Level.ERROR,
            "systemd's watchdog is no longer fed, so that systemd restarts the gateway unless this"
                + " passes: "
                + now.get(),
            LogFields.event("watchdog.withheld"));
        send("STATUS=unhealthy, watchdog withheld: " + Notifier.oneLine(now.get()));
      }
    } else if (withheldFor.isPresent()) {
      LOG.log(
          Level.INFO,
          "the gateway is healthy again; systemd's watchdog is fed",
          LogFields.event("watchdog.resumed"));
      send("WATCHDOG=1\nSTATUS=" + notifier.readyStatus());
    } else {
      send("WATCHDOG=1");
    }
    withheldFor = now;
  }

  private void send(String state) {
    notifier
        .send(state)
        .exceptionally(
            e -> {
              LOG.log(Level.WARNING, "could not feed systemd's watchdog: " + e.getMessage());
              return null;
            });
  }

  /** Stops feeding: for a gateway that is closing, whose event loops stop too. */
  @Override
  public void close() {
    vertx.cancelTimer(timerId);
  }
}
