package io.vigil.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The comparison of {@code JsonNumbersFloatAgreementTest} on far more floats than a build can
 * afford, run by hand.
 *
 * <ul>
 *   <li>{@code random N [seed]}: N random bit patterns (the finite ones), {@link
 *       JsonNumbers#formatFloat} against {@link JsonNumbers#referenceFormatFloat}, exact
 *       arithmetic.
 *   <li>{@code all [from to]}: every positive finite float (or the bit patterns in [from, to)),
 *       {@link JsonNumbers#formatFloat} against what the previous fast path wrote ({@link
 *       OldFloatFormat}), which falls back to exact arithmetic where it cannot decide; a mismatch
 *       is also compared with {@link JsonNumbers#referenceFormatFloat}.
 * </ul>
 *
 * <p>Run with java and the test classpath, e.g. {@code java -cp
 * audit/target/classes:audit/target/test-classes io.vigil.audit.FloatFormatSweep random 50000000};
 * the threads are as many as processors unless {@code -Dthreads=n}.
 */
public final class FloatFormatSweep {

  private FloatFormatSweep() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
    boolean random = args[0].equals("random");
    long from;
    long to;
    long seed = 20260301;
    if (random) {
      from = 0;
      to = Long.parseLong(args[1]);
      if (args.length > 2) {
        seed = Long.parseLong(args[2]);
      }
    } else {
      from = args.length > 1 ? Long.decode(args[1]) : 1;
      to = args.length > 2 ? Long.decode(args[2]) : Float.floatToRawIntBits(Float.MAX_VALUE) + 1L;
    }
    int slices = threads * 64;
    AtomicLong checked = new AtomicLong();
    AtomicLong mismatches = new AtomicLong();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      long lo = from + (to - from) * slice / slices;
      long hi = from + (to - from) * (slice + 1) / slices;
      long sliceSeed = seed + slice;
      futures.add(
          pool.submit(
              () -> {
                long n = 0;
                SplittableRandom rng = new SplittableRandom(sliceSeed);
                for (long i = lo; i < hi; i++) {
                  float f;
                  if (random) {
                    do {
                      f = Float.intBitsToFloat(rng.nextInt());
                    } while (!Float.isFinite(f));
                  } else {
                    f = Float.intBitsToFloat((int) i);
                  }
                  String written = JsonNumbers.formatFloat(f);
                  String expected =
                      random ? JsonNumbers.referenceFormatFloat(f) : OldFloatFormat.formatFloat(f);
                  if (!written.equals(expected)) {
                    mismatches.incrementAndGet();
                    System.out.printf(
                        "MISMATCH bits 0x%08x: new %s, %s %s, exact arithmetic %s%n",
                        Float.floatToRawIntBits(f),
                        written,
                        random ? "reference" : "old",
                        expected,
                        JsonNumbers.referenceFormatFloat(f));
                  }
                  n++;
                }
                long total = checked.addAndGet(n);
                if (total * 20 / (to - from) != (total - n) * 20 / (to - from)) {
                  System.out.printf(
                      "%,d checked, %,d mismatches, %.0f s%n",
                      total, mismatches.get(), (System.nanoTime() - start) / 1e9);
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(
        "%s: %,d floats checked (%s), %,d mismatches, %d threads, %.0f s%n",
        random ? "random bit patterns, seed " + seed : "bit patterns " + from + ".." + (to - 1),
        checked.get(),
        random ? "against exact arithmetic" : "against the previous fast path",
        mismatches.get(),
        threads,
        (System.nanoTime() - start) / 1e9);
  }
}
