package io.vigil.sync.publish;

import io.vigil.sync.message.SignedMessage;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.outbox.Outbox;
import io.vigil.sync.outbox.OutboxException;
import io.vigil.sync.outbox.Pending;
import io.vigil.trust.IdentityKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drains the {@link Outbox} to the broker: rows in sequence order, each signed as it is published
 * (so the seq inside the signature is the row's, and {@code sent_at} the send time), at most {@link
 * PublisherOptions#window()} waiting for their PUBACK, each row deleted only once its PUBACK came.
 *
 * <p>Delivery is at least once: when a publish fails (link down, no PUBACK in time) the publisher
 * backs off (exponential, equal jitter, capped) and then starts again from the oldest unsent row,
 * so rows that were in flight after the failed one are sent again, as is a row whose PUBACK was
 * lost or came after a kill. The receiver de-duplicates on (gateway, seq); a resend carries the
 * same seq and body with a later {@code sent_at}.
 *
 * <p>Threads: everything runs on one thread it owns, {@value #THREAD_NAME}, because the outbox
 * blocks on SQLite; the transport's stages may complete on any thread. {@link #kick()} may be
 * called from anywhere, an event loop included; {@link #close()} blocks.
 */
public final class OutboxPublisher implements AutoCloseable {

  /** The name of the publisher's thread. */
  public static final String THREAD_NAME = "vigil-sync-publisher";

  private static final Logger LOG = Logger.getLogger(OutboxPublisher.class.getName());

  private enum State {
    RUNNING,
    BACKING_OFF,
    CLOSING
  }

  private static final class Flight {
    final long id;
    final long seq;
    final Kind kind;
    final int round;
    final long publishedNanos;
    ScheduledFuture<?> timer;

    Flight(long id, long seq, Kind kind, int round, long publishedNanos) {
      this.id = id;
      this.seq = seq;
      this.kind = kind;
      this.round = round;
      this.publishedNanos = publishedNanos;
    }
  }

  private final Outbox outbox;
  private final Transport transport;
  private final IdentityKey identity;
  private final GatewayTopics topics;
  private final PublisherOptions options;
  private final PublishListener listener;
  private final ScheduledThreadPoolExecutor executor;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean kickQueued = new AtomicBoolean();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile int inFlight;

  // Confined to the publisher's thread.
  private final Map<Long, Flight> flights = new HashMap<>();
  private final Set<Long> unsendable = new HashSet<>();
  private long nextFlightId;
  // Each failure starts a round that begins again at the oldest unsent row.
  private int round;
  // The highest seq published in this round.
  private long cursor;
  private int failures;
  private State state = State.RUNNING;

  private OutboxPublisher(
      Outbox outbox,
      Transport transport,
      IdentityKey identity,
      GatewayTopics topics,
      PublisherOptions options,
      PublishListener listener) {
    if (!topics.gateway().equals(identity.name())) {
      throw new IllegalArgumentException(
          "the topics are those of gateway '"
              + topics.gateway()
              + "' but the identity key is '"
              + identity.name()
              + "': the receiver expects the signed name in the topic");
    }
    this.outbox = outbox;
    this.transport = transport;
    this.identity = identity;
    this.topics = topics;
    this.options = options;
    this.listener = listener;
    Thread[] made = new Thread[1];
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, THREAD_NAME);
              t.setDaemon(true);
              made[0] = t;
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.prestartCoreThread();
    this.thread = made[0];
  }

  /**
   * A publisher of {@code outbox}'s rows over {@code transport}, signed by {@code identity}, whose
   * name must be {@code topics.gateway()}; it sends nothing before {@link #start()}.
   */
  public static OutboxPublisher create(
      Outbox outbox,
      Transport transport,
      IdentityKey identity,
      GatewayTopics topics,
      PublisherOptions options) {
    return create(outbox, transport, identity, topics, options, PublishListener.NONE);
  }

  /** A publisher that tells {@code listener} what it does. */
  public static OutboxPublisher create(
      Outbox outbox,
      Transport transport,
      IdentityKey identity,
      GatewayTopics topics,
      PublisherOptions options,
      PublishListener listener) {
    return new OutboxPublisher(outbox, transport, identity, topics, options, listener);
  }

  /** Starts sending what the outbox holds and polling it every {@code pollInterval}. */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("the publisher is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the publisher is already started");
    }
    long poll = options.pollInterval().toNanos();
    executor.scheduleWithFixedDelay(this::poll, 0, poll, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends what was appended now rather than at the next poll; call it after an append and when the
   * link is up again. Kicks that come while one waits are merged; a kick does not cut a backoff
   * short.
   */
  public void kick() {
    if (started.get() && kickQueued.compareAndSet(false, true)) {
      run(
          () -> {
            kickQueued.set(false);
            pump();
          });
    }
  }

  /** How many rows are published and waiting for their PUBACK now. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Stops publishing, waits up to {@code closeTimeout} for the PUBACKs of rows in flight and stops
   * the thread; rows still unacknowledged stay in the outbox, which the caller closes afterwards.
   */
  @Override
  public void close() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("close() called on the publisher's own thread");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    run(
        () -> {
          state = State.CLOSING;
          if (flights.isEmpty()) {
            drained.complete(null);
          }
        });
    try {
      drained.get(options.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.log(
          Level.INFO,
          "closing with {0} row(s) unacknowledged after {1}: they are sent again at the next start",
          new Object[] {inFlight, options.closeTimeout()});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(
          options.closeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warning(THREAD_NAME + " did not stop: an outbox call is blocked");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void poll() {
    pump();
    if (state == State.CLOSING) {
      return;
    }
    try {
      listener.backlog(outbox.stats().rows());
    } catch (RuntimeException e) {
      // An exception would end the periodic poll, the safety net, for good.
      LOG.log(Level.WARNING, "cannot tell the outbox''s backlog: {0}", e.toString());
    }
  }

  /** Publishes unsent rows until the window is full, the outbox is drained or the link is down. */
  private void pump() {
    try {
      while (state == State.RUNNING && flights.size() < options.window()) {
        if (!transport.connected()) {
          return;
        }
        List<Pending> rows = outbox.next(cursor, options.window() - flights.size());
        if (rows.isEmpty()) {
          if (flights.isEmpty()) {
            listener.backlog(outbox.stats().rows());
          }
          return;
        }
        for (Pending row : rows) {
          if (state != State.RUNNING || !transport.connected()) {
            return;
          }
          cursor = row.seq();
          publish(row);
        }
      }
    } catch (OutboxException e) {
      backOff("cannot read the outbox: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the publisher failed; it backs off and tries again", e);
      backOff("the publisher failed: " + e);
    }
  }

  private void publish(Pending row) {
    byte[] signed;
    try {
      signed =
          SignedMessage.sign(identity, row.kind(), row.seq(), Instant.now(), row.payload())
              .toJson();
    } catch (IllegalArgumentException e) {
      // Never deleted without a PUBACK, and never blocking the rows behind it (safety events among
      // them): it stays in the outbox, skipped, until the full-outbox policy drops it.
      if (unsendable.add(row.seq())) {
        LOG.log(
            Level.SEVERE,
            "outbox row {0} ({1}) cannot be signed and is skipped: {2}",
            new Object[] {row.seq(), row.kind().wireName(), e.getMessage()});
        listener.unsendable(row.seq(), row.kind());
      }
      return;
    }
    String topic = topics.topic(row.topicSuffix());
    Flight flight = new Flight(nextFlightId++, row.seq(), row.kind(), round, System.nanoTime());
    flights.put(flight.id, flight);
    inFlight = flights.size();
    flight.timer =
        executor.schedule(
            () ->
                settle(
                    flight,
                    new TimeoutException(
                        "no PUBACK for seq " + row.seq() + " in " + options.ackTimeout())),
            options.ackTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
    listener.published(row.seq(), row.kind(), signed.length);
    CompletionStage<Void> stage;
    try {
      stage = transport.publish(topic, signed);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((ok, error) -> run(() -> settle(flight, error)));
  }

  /** A flight's PUBACK, failure or timeout, whichever comes first; the others are ignored. */
  private void settle(Flight flight, Throwable error) {
    if (flights.remove(flight.id) == null) {
      return;
    }
    inFlight = flights.size();
    flight.timer.cancel(false);
    if (error == null) {
      // A PUBACK from an earlier round still means the broker has the row.
      try {
        outbox.markSent(flight.seq);
        listener.acked(flight.seq, flight.kind, System.nanoTime() - flight.publishedNanos);
        failures = 0;
      } catch (OutboxException e) {
        // The row stays and is sent again: at least once, never lost.
        LOG.log(
            Level.WARNING,
            "cannot mark seq {0} sent: {1}",
            new Object[] {flight.seq, e.getMessage()});
      }
    } else {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      listener.failed(flight.seq, flight.kind, cause);
      if (flight.round == round && state == State.RUNNING) {
        backOff("publishing seq " + flight.seq + " failed: " + cause);
      }
    }
    if (state == State.CLOSING) {
      if (flights.isEmpty()) {
        drained.complete(null);
      }
      return;
    }
    pump();
  }

  private void backOff(String why) {
    if (state != State.RUNNING) {
      return;
    }
    state = State.BACKING_OFF;
    round++;
    cursor = 0;
    failures++;
    long delayMillis = backoffMillis(failures);
    LOG.log(
        Level.INFO,
        "{0}; sending again from the oldest unsent row in {1} ms",
        new Object[] {why, delayMillis});
    executor.schedule(this::resume, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void resume() {
    if (state == State.BACKING_OFF) {
      state = State.RUNNING;
      pump();
    }
  }

  /** Half the capped exponential delay, plus a random part up to the other half. */
  private long backoffMillis(int attempt) {
    long min = options.backoffMin().toMillis();
    long max = options.backoffMax().toMillis();
    long base = attempt >= 31 ? max : Math.min(max, min << Math.min(attempt - 1, 30));
    long half = Math.max(1, base / 2);
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  private void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: the row stays in the outbox and is sent at the next start.
    }
  }
}
