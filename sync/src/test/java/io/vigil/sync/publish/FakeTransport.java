package io.vigil.sync.publish;

import io.vigil.sync.message.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The network, under the test's control: what reaches the broker is verified and counted by seq
 * (the receiver's de-duplication key), and each PUBACK waits until the test sends it, unless acks
 * are automatic.
 */
final class FakeTransport implements Transport {

  record Sent(long seq, String topic, Verifier.Received message, CompletableFuture<Void> ack) {}

  private final Verifier verifier;
  private volatile boolean connected = true;
  private volatile boolean autoAck;
  private final List<Sent> pending = new ArrayList<>();
  private final List<Sent> all = new ArrayList<>();
  private final Map<Long, Integer> received = new TreeMap<>();
  private int maxPending;

  FakeTransport(Verifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public synchronized CompletionStage<Void> publish(String topic, byte[] payload) {
    if (!connected) {
      return CompletableFuture.failedFuture(new IllegalStateException("disconnected"));
    }
    Verifier.Received m = verifier.verify(payload);
    received.merge(m.seq(), 1, Integer::sum);
    CompletableFuture<Void> ack = new CompletableFuture<>();
    Sent sent = new Sent(m.seq(), topic, m, ack);
    all.add(sent);
    if (autoAck) {
      ack.complete(null);
    } else {
      pending.add(sent);
      maxPending = Math.max(maxPending, pending.size());
    }
    return ack;
  }

  @Override
  public boolean connected() {
    return connected;
  }

  void autoAck(boolean on) {
    autoAck = on;
  }

  /** Sends the PUBACK of the pending publish of {@code seq}. */
  synchronized void ack(long seq) {
    Sent s =
        pending.stream()
            .filter(p -> p.seq() == seq)
            .findFirst()
            .orElseThrow(() -> new AssertionError("seq " + seq + " is not waiting for a PUBACK"));
    pending.remove(s);
    s.ack().complete(null);
  }

  /** Acknowledges everything pending, in the order it was published. */
  synchronized void ackAll() {
    List<Sent> now = new ArrayList<>(pending);
    pending.clear();
    now.forEach(s -> s.ack().complete(null));
  }

  /** Drops the link: every pending publish fails (the broker got it, its PUBACK is lost). */
  synchronized List<Long> disconnect() {
    connected = false;
    List<Long> failed = pending.stream().map(Sent::seq).toList();
    List<Sent> now = new ArrayList<>(pending);
    pending.clear();
    now.forEach(s -> s.ack().completeExceptionally(new IllegalStateException("connection lost")));
    return failed;
  }

  void reconnect() {
    connected = true;
  }

  synchronized List<Long> pendingSeqs() {
    return pending.stream().map(Sent::seq).toList();
  }

  synchronized List<Sent> sent() {
    return List.copyOf(all);
  }

  synchronized List<Long> sentSeqs() {
    return all.stream().map(Sent::seq).toList();
  }

  /** How many times the receiver got each seq. */
  synchronized Map<Long, Integer> received() {
    return new TreeMap<>(received);
  }

  synchronized int duplicates() {
    return received.values().stream().mapToInt(n -> n - 1).sum();
  }

  synchronized int maxPending() {
    return maxPending;
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
