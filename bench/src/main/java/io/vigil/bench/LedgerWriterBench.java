package io.vigil.bench;

import io.vigil.audit.Durability;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerOptions;
import io.vigil.audit.NoteSigner;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Scenario B: the ledger writer alone, as shipped (FULL durability, group commit), without HTTP or
 * a model: its rows per second bound what scenario E can reach. NORMAL is measured beside it. Each
 * entry has a request id of its own, random as the gateway makes them, since the ledger keeps every
 * entry's ref for lookups by it.
 */
final class LedgerWriterBench {

  // As many appends in flight as the gateway has at its maximum: connections times requests.
  private static final int IN_FLIGHT = 256;

  private LedgerWriterBench() {}

  /**
   * Appends realistic prediction records (30 floats in, 1 out) into fresh ledgers under {@code
   * workDir}.
   */
  static Optional<Row> measure(Path workDir, Duration warmUp, Duration measure) {
    double[] full = run(workDir, Durability.FULL, warmUp, measure);
    double[] normal = run(workDir, Durability.NORMAL, warmUp, measure);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rate", full[0]);
    return Optional.of(
        new Row(
            "B",
            "ledger writer alone, as shipped: FULL durability, group commit",
            metrics,
            String.format(
                "entries/s; NORMAL beside it: %,.0f entries/s; entries per commit FULL %.0f, NORMAL %.0f; %d appends in flight, 30-float inputs stored, a random request id each",
                normal[0], full[1], normal[1], IN_FLIGHT)));
  }

  private static double[] run(
      Path workDir, Durability durability, Duration warmUp, Duration measure) {
    try {
      Path dir = Files.createTempDirectory(workDir, "ledger-" + durability.name().toLowerCase());
      NoteSigner signer =
          NoteSigner.ed25519(
              "bench/ledger", KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
      try (Ledger ledger =
          Ledger.open(
              LedgerOptions.of(dir.resolve("audit.db"), "bench/ledger").withDurability(durability),
              signer,
              Clock.systemUTC())) {
        Supplier<PredictionEntry> entry = entries();
        appendFor(ledger, entry, warmUp);
        long commitsBefore = ledger.commits();
        long startNanos = System.nanoTime();
        long rows = appendFor(ledger, entry, measure);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long commits = Math.max(1, ledger.commits() - commitsBefore);
        return new double[] {rows / seconds, (double) rows / commits};
      }
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalStateException("ledger benchmark could not run: " + e, e);
    }
  }

  /**
   * Realistic prediction records, as the demo model's answers make them: 30 floats in and stored,
   * one out, a random request id each.
   */
  static Supplier<PredictionEntry> entries() {
    List<Tensor> input = List.of(new Tensor("features", new long[] {1, 30}, randomRow()));
    String digest = PredictionEntry.digestOf(input);
    List<Tensor> output =
        List.of(new Tensor("probability", new long[] {1, 1}, new float[] {0.25f}));
    return () ->
        new PredictionEntry(
            UUID.randomUUID().toString(),
            "bench-device",
            "wdbc-malignancy",
            "1.0.0",
            "0".repeat(64),
            digest,
            input,
            output,
            150,
            "normal",
            List.of());
  }

  private static long appendFor(Ledger ledger, Supplier<PredictionEntry> entry, Duration duration) {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      inFlight.acquireUninterruptibly();
      ledger
          .append(entry.get())
          .whenComplete(
              (r, e) -> {
                done.incrementAndGet();
                inFlight.release();
              });
    }
    inFlight.acquireUninterruptibly(IN_FLIGHT);
    return done.get();
  }

  private static float[] randomRow() {
    SplittableRandom random = new SplittableRandom(1);
    float[] row = new float[30];
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) random.nextDouble(0, 100);
    }
    return row;
  }
}
