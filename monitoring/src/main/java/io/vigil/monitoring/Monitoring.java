package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ReferenceProfile;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's live monitoring: one {@link ModelMonitor} per loaded model version, all folded by
 * one thread ({@code vigil-monitor}) that wakes every few milliseconds, so that a request never
 * waits for monitoring and monitoring never takes a lock that requests take.
 */
public final class Monitoring implements AutoCloseable {

  /** How often the monitor thread drains what requests queued. */
  static final long DRAIN_MILLIS = 20;

  private static final Logger LOG = System.getLogger(Monitoring.class.getName());

  private final Path stateDir;
  private final Clock clock;
  private final SafetyListener listener;
  private final List<ModelMonitor> monitors = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread;

  private Monitoring(Path stateDir, Clock clock, SafetyListener listener) {
    this.stateDir = stateDir;
    this.clock = clock;
    this.listener = listener;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-monitor");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        this::drainAll, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts monitoring, with each model's state in {@code stateDir}. */
  public static Monitoring start(Path stateDir, Clock clock, SafetyListener listener) {
    return new Monitoring(stateDir, clock, listener);
  }

  /**
   * Monitors one model version against its reference profile, resuming the state a previous run
   * saved.
   *
   * @throws MonitoringException {@code PROFILE_UNUSABLE} when the profile does not fit the
   *     manifest, {@code STATE_FAILED} when the saved state is damaged
   */
  public ModelMonitor monitor(
      Manifest manifest, ReferenceProfile reference, MonitorOptions options) {
    Path file =
        stateDir.resolve(safe(manifest.modelId())).resolve(safe(manifest.version()) + ".json");
    ModelMonitor m =
        call(() -> new ModelMonitor(manifest, reference, options, clock, file, listener));
    monitors.add(m);
    return m;
  }

  /** Stops monitoring a version that is unloaded; its state is saved first. */
  public void remove(ModelMonitor monitor) {
    if (monitors.remove(monitor)) {
      call(
          () -> {
            monitor.drain();
            monitor.save();
            return null;
          });
    }
  }

  /**
   * Suspends a model by a person's act, on the monitor thread; the listener records who and why. It
   * answers 503 until {@link #resume}; a model already suspended fails with {@code SUSPENDED}.
   */
  public CompletableFuture<Void> suspend(ModelMonitor monitor, String actor, String reason) {
    return CompletableFuture.runAsync(
        () -> {
          monitor.drain();
          monitor.suspend(actor, reason);
        },
        thread);
  }

  /** Resumes a suspended model, on the monitor thread; the listener records who and why. */
  public CompletableFuture<Void> resume(ModelMonitor monitor, String actor, String reason) {
    return CompletableFuture.runAsync(
        () -> {
          monitor.drain();
          monitor.resume(actor, reason);
        },
        thread);
  }

  /** Folds everything queued now (tests and shutdown). */
  public void drainNow() {
    call(
        () -> {
          drainAll();
          return null;
        });
  }

  /** Drains and saves every model's state, then stops the thread. */
  @Override
  public void close() {
    try {
      call(
          () -> {
            for (ModelMonitor m : monitors) {
              m.drain();
              m.save();
            }
            return null;
          });
    } finally {
      thread.shutdownNow();
    }
  }

  private void drainAll() {
    for (ModelMonitor m : monitors) {
      try {
        m.drain();
      } catch (RuntimeException e) {
        // One model's failure (a full disk for its state file) must not stop the others.
        LOG.log(
            Level.ERROR, "monitoring " + m.modelId() + " " + m.version() + ": " + e.getMessage());
      }
    }
  }

  private <T> T call(java.util.concurrent.Callable<T> work) {
    try {
      return thread.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MonitoringException(MonitoringException.Code.STATE_FAILED, "interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new MonitoringException(
          MonitoringException.Code.STATE_FAILED, String.valueOf(e.getCause()), e.getCause());
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
