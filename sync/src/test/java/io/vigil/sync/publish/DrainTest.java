package io.vigil.sync.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.outbox.Outbox;
import io.vigil.sync.outbox.OutboxOptions;
import io.vigil.sync.outbox.Outgoing;
import io.vigil.sync.outbox.Priority;
import io.vigil.trust.IdentityKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time to drain a full outbox: 10,000 rows of 2–8 KiB bodies, each signed as it is published,
 * through a transport that acknowledges at once, so what is measured is the gateway's side (read,
 * sign, one delete and fsync per PUBACK). Prints the rate; asserts only that every row went once,
 * in order (timing belongs in {@code bench}).
 */
class DrainTest {

  private static final int ROWS = 10_000;

  @TempDir Path dir;

  /**
   * A body shaped like a summary's drift windows: features with their statistics, decimals as
   * strings as canonical JSON has them.
   */
  private static byte[] body(Random random, int targetBytes) {
    StringBuilder json = new StringBuilder("{\"features\":{");
    for (int f = 0; json.length() < targetBytes - 80; f++) {
      json.append(f == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "\"f%04d\":{\"ks\":\"%.6f\",\"psi\":\"%.6f\",\"rows\":%d}",
                  f,
                  random.nextDouble(),
                  random.nextDouble(),
                  random.nextInt(5000)));
    }
    return json.append("},\"model\":\"sepsis\",\"version\":\"1.2.0\"}")
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void drainsTenThousandSignedRowsInOrderThroughAnInstantlyAckingTransport() throws Exception {
    IdentityKey identity = IdentityKey.loadOrCreate(dir.resolve("identity"), "gw-ward-3");
    Random random = new Random(13);
    long bodyBytes = 0;
    try (Outbox box = Outbox.open(OutboxOptions.defaults(dir))) {
      List<Outgoing> batch = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        byte[] body = body(random, 2048 + random.nextInt(6 * 1024 + 1));
        bodyBytes += body.length;
        batch.add(new Outgoing(Kind.SUMMARY, "summary", body, Priority.ROUTINE));
        if (batch.size() == 500) {
          box.appendAll(batch);
          batch.clear();
        }
      }
      assertEquals(ROWS, box.stats().rows());

      AtomicLong wireBytes = new AtomicLong();
      AtomicInteger published = new AtomicInteger();
      AtomicLong lastSeq = new AtomicLong();
      AtomicInteger outOfOrder = new AtomicInteger();
      List<byte[]> sample = new ArrayList<>();
      CountDownLatch acked = new CountDownLatch(ROWS);
      Transport instant =
          new Transport() {
            @Override
            public CompletionStage<Void> publish(String topic, byte[] payload) {
              if (published.incrementAndGet() % 1000 == 0) {
                sample.add(payload);
              }
              wireBytes.addAndGet(payload.length);
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean connected() {
              return true;
            }
          };
      PublishListener order =
          new PublishListener() {
            @Override
            public void acked(long seq, Kind kind, long nanos) {
              acked.countDown();
            }

            @Override
            public void published(long seq, Kind kind, int bytes) {
              if (seq != lastSeq.get() + 1) {
                outOfOrder.incrementAndGet();
              }
              lastSeq.set(seq);
            }
          };
      try (OutboxPublisher publisher =
          OutboxPublisher.create(
              box,
              instant,
              identity,
              GatewayTopics.of("st-marys", "gw-ward-3"),
              PublisherOptions.defaults(),
              order)) {
        long t0 = System.nanoTime();
        publisher.start();
        // Waiting on the listener, not on stats(), which would contend for the outbox's lock.
        assertTrue(acked.await(10, TimeUnit.MINUTES), "drained within 10 minutes");
        double seconds = (System.nanoTime() - t0) / 1e9;

        System.out.printf(
            Locale.ROOT,
            "drain: %d rows (bodies %.1f MiB, signed %.1f MiB) in %.2f s: %.0f rows/s, %.1f MiB/s"
                + " signed, window %d%n",
            ROWS,
            bodyBytes / 1048576.0,
            wireBytes.get() / 1048576.0,
            seconds,
            ROWS / seconds,
            wireBytes.get() / 1048576.0 / seconds,
            PublisherOptions.DEFAULT_WINDOW);
      }
      assertEquals(0, box.stats().rows());
      assertEquals(ROWS, published.get(), "each row once");
      assertEquals(0, outOfOrder.get());
      assertEquals(ROWS, lastSeq.get());
      Verifier verifier = Verifier.create(Map.of("gw-ward-3", identity.publicKey()));
      for (byte[] signed : sample) {
        assertTrue(verifier.verify(signed).seq() % 1000 == 0);
      }
    }
  }
}
