package io.vigil.gateway.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Whether the gateway takes requests, and how many are in flight, for readiness and draining. */
public final class Lifecycle {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Marks the gateway ready: models loaded, server listening. */
  public void markReady() {
    ready.set(true);
  }

  /** Starts draining: readiness turns false and new inference requests get 503. */
  public void startDraining() {
    draining.set(true);
  }

  /** Whether the gateway takes inference requests. */
  public boolean ready() {
    return ready.get() && !draining.get();
  }

  /** Whether the gateway is shutting down. */
  public boolean draining() {
    return draining.get();
  }

  /** The inference requests whose response has not yet been sent. */
  public int inFlight() {
    return inFlight.get();
  }

  void enter() {
    inFlight.incrementAndGet();
  }

  void exit() {
    inFlight.decrementAndGet();
  }

  /** Waits until no request is in flight or the time is up; returns how many are left. */
  public int awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return inFlight.get();
  }
}
