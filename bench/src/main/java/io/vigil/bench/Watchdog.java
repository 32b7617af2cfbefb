package io.vigil.bench;

import java.time.Duration;

/** Ends a run that overstays its limit, and with it every process the run started. */
final class Watchdog {

  private Watchdog() {}

  /** Starts the watchdog, and a shutdown hook that ends the run's child processes on any exit. */
  static void start(Duration limit) {
    Runtime.getRuntime().addShutdownHook(new Thread(Watchdog::endChildren, "bench-cleanup"));
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(limit.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              System.err.println("bench: over the time limit of " + limit + "; stopping");
              endChildren();
              Runtime.getRuntime().halt(2);
            },
            "bench-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static void endChildren() {
    // Only this JVM's own descendants: gateway hosts, wrk, the generator, vigil.jar probes.
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }
}
