package io.vigil.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Entries per second of the ledger alone, FULL and NORMAL side by side in one run: many appender
 * threads, each keeping a bounded number of appends in flight (as request handlers waiting for
 * their acks would), with realistic predictions (30 float inputs stored, 1 float output).
 *
 * <p>Run: {@code mvn -pl audit test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.vigil.audit.LedgerThroughput} or with java and the test classpath; optional
 * arguments: seconds per run (default 5), appender threads (default 64), rounds (default 2),
 * appends in flight per thread (default 16).
 */
public final class LedgerThroughput {

  private LedgerThroughput() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    System.out.printf(
        "ledger alone: %d appender threads, up to %d appends in flight each, %d s per run%n",
        threads, inFlight, seconds);
    // Alternate the modes so that warm-up and a noisy neighbour do not favour one.
    for (int round = 0; round <= rounds; round++) {
      for (Durability d : Durability.values()) {
        Result r = run(d, round == 0 ? 2 : seconds, threads, inFlight);
        if (round > 0) {
          System.out.printf(
              "%-6s %9.0f entries/s  %6.0f entries per commit  p50 ack %.2f ms%n",
              d, r.perSecond(), r.perCommit(), r.p50Millis());
        }
      }
    }
  }

  record Result(double perSecond, double perCommit, double p50Millis) {}

  private static Result run(Durability durability, int seconds, int threads, int window)
      throws Exception {
    Path dir = Files.createTempDirectory("ledger-throughput");
    try {
      LedgerOptions options =
          LedgerOptions.of(dir.resolve("audit.db"), TestLedgers.ORIGIN).withDurability(durability);
      List<PredictionEntry> entries = new ArrayList<>();
      for (int i = 0; i < 1024; i++) {
        entries.add(TestLedgers.prediction(i));
      }
      AtomicLong done = new AtomicLong();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      try (Ledger ledger =
          Ledger.open(options, TestLedgers.signer(), java.time.Clock.systemUTC())) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(threads);
        long commitsBefore = ledger.commits();
        for (int t = 0; t < threads; t++) {
          int offset = t;
          Thread thread =
              new Thread(
                  () -> {
                    Semaphore inFlight = new Semaphore(window);
                    int i = offset;
                    try {
                      while (System.nanoTime() < end) {
                        inFlight.acquire();
                        long start = System.nanoTime();
                        CompletableFuture<Receipt> f = ledger.append(entries.get(i++ & 1023));
                        f.whenComplete(
                            (r, e) -> {
                              inFlight.release();
                              if (e == null) {
                                done.incrementAndGet();
                                if ((r.seq() & 63) == 0) {
                                  latencies.add(System.nanoTime() - start);
                                }
                              }
                            });
                      }
                      inFlight.acquire(window);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    } finally {
                      finished.countDown();
                    }
                  });
          thread.start();
        }
        long start = System.nanoTime();
        finished.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long commits = ledger.commits() - commitsBefore;
        latencies.sort(Comparator.naturalOrder());
        double p50 = latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2) / 1e6;
        return new Result(done.get() / elapsed, done.get() / (double) Math.max(1, commits), p50);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
