package io.vigil.bench;

import io.vigil.canonical.Decimals;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Checks {@link Decimals#shortest(float)}, which every ledger entry's inputs are written with, on
 * far more floats than a build can afford, by the definition alone: the decimal reads back as the
 * same float, no decimal with one digit fewer does, and no other decimal of its length that reads
 * back is closer to the float's exact value (the even one on a tie). It is run by hand, not by
 * {@code bench/run}: {@code java -cp bench/target/vigil-bench.jar io.vigil.bench.FloatSweep [from
 * to]} checks the positive float bit patterns in {@code [from, to)}, all of them by default
 * (2,139,095,039; hours on two cores).
 */
public final class FloatSweep {

  private FloatSweep() {}

  public static void main(String[] args) {
    long from = args.length > 0 ? Long.decode(args[0]) : 1;
    long to =
        args.length > 1 ? Long.decode(args[1]) : Float.floatToRawIntBits(Float.MAX_VALUE) + 1L;
    AtomicLong mismatches = new AtomicLong();
    long started = System.nanoTime();
    LongStream.range(from, to)
        .parallel()
        .forEach(
            bits -> {
              float f = Float.intBitsToFloat((int) bits);
              String problem = problem(f);
              if (problem != null) {
                mismatches.incrementAndGet();
                System.out.printf("MISMATCH bits 0x%08x (%s): %s%n", bits, f, problem);
              }
            });
    System.out.printf(
        "bit patterns %d..%d: %,d floats checked, %,d mismatches, %.0f s%n",
        from, to - 1, to - from, mismatches.get(), (System.nanoTime() - started) / 1e9);
  }

  /** What is wrong with the decimal written for a positive finite float, or null. */
  static String problem(float f) {
    BigDecimal written = Decimals.shortest(f);
    if (Float.parseFloat(written.toString()) != f) {
      return written + " does not read back";
    }
    BigDecimal exact = new BigDecimal((double) f);
    int digits = written.precision();
    if (digits > 1
        && (readsBack(exact, digits - 1, RoundingMode.FLOOR, f)
            || readsBack(exact, digits - 1, RoundingMode.CEILING, f))) {
      return written + " is not the shortest";
    }
    BigDecimal down = exact.round(new MathContext(digits, RoundingMode.FLOOR));
    BigDecimal up = exact.round(new MathContext(digits, RoundingMode.CEILING));
    boolean downIn = Float.parseFloat(down.toString()) == f;
    boolean upIn = Float.parseFloat(up.toString()) == f;
    BigDecimal best;
    if (downIn && upIn && down.compareTo(up) != 0) {
      int cmp = exact.subtract(down).compareTo(up.subtract(exact));
      boolean downEven = !down.unscaledValue().testBit(0);
      best = cmp < 0 || cmp == 0 && downEven ? down : up;
    } else {
      best = downIn ? down : up;
    }
    return best.compareTo(written) == 0 ? null : written + " is not the closest; " + best + " is";
  }

  private static boolean readsBack(BigDecimal exact, int digits, RoundingMode mode, float f) {
    return Float.parseFloat(exact.round(new MathContext(digits, mode)).toString()) == f;
  }
}
