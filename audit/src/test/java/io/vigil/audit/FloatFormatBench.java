package io.vigil.audit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Nanoseconds per float written, the fast path {@link JsonNumbers} had before ({@link
 * OldFloatFormat}) and the current one side by side in one JVM, after warm-up, on the kinds of
 * values predictions store: WDBC-like features (three or four significant digits, as read from a
 * CSV), arbitrary floats in [0, 1) and [0, 1000), and {@link TestLedgers}' inputs. Each is written
 * as {@code EntryCodec} writes a tensor's values, comma-separated into one StringBuilder; "append"
 * is {@link JsonNumbers#appendFloat} in place of {@code sb.append(formatFloat(v))}.
 *
 * <p>Run: {@code mvn -pl audit test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.vigil.audit.FloatFormatBench} or with java and the test classpath; optional
 * argument: milliseconds per measurement (default 300).
 */
public final class FloatFormatBench {

  private static final float[] MALIGNANT = {
    17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f, 1.095f,
    0.9053f, 8.589f, 153.4f, 0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f, 25.38f,
    17.33f, 184.6f, 2019f, 0.1622f, 0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f
  };

  private static final int COUNT = 30 * 256;

  private static volatile long sink;

  private FloatFormatBench() {}

  private enum Writer {
    OLD,
    NEW,
    APPEND
  }

  public static void main(String[] args) {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 300;
    SplittableRandom random = new SplittableRandom(42);
    List<String> names = List.of("wdbc-like", "[0,1)", "[0,1000)", "TestLedgers");
    List<float[]> sets = new ArrayList<>();
    float[] wdbc = new float[COUNT];
    for (int i = 0; i < COUNT; i++) {
      double scaled = MALIGNANT[i % 30] * (0.6 + 0.8 * random.nextDouble());
      wdbc[i] = new BigDecimal(scaled).round(new MathContext(4)).floatValue();
    }
    System.arraycopy(MALIGNANT, 0, wdbc, 0, 30);
    sets.add(wdbc);
    float[] unit = new float[COUNT];
    float[] thousand = new float[COUNT];
    float[] ledger = new float[COUNT];
    for (int i = 0; i < COUNT; i++) {
      unit[i] = (float) random.nextDouble();
      thousand[i] = (float) (random.nextDouble() * 1000);
      ledger[i] = (float) (10 + Math.sin((i / 30) * 31 + i % 30) * 7.25);
    }
    sets.add(unit);
    sets.add(thousand);
    sets.add(ledger);
    for (float[] set : sets) {
      for (float v : set) {
        if (!OldFloatFormat.formatFloat(v).equals(JsonNumbers.formatFloat(v))) {
          throw new AssertionError("old and new differ on " + v);
        }
      }
    }
    System.out.printf(
        "ns per float, median of 7 measurements of %d ms after 5 of warm-up; %s%n",
        millis, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.printf(
        "%-12s %8s %8s %8s %7s %7s%n", "values", "old", "new", "append", "ratio", "ratio");
    for (int s = 0; s < sets.size(); s++) {
      float[] set = sets.get(s);
      double[][] ns = new double[3][7];
      for (int round = -5; round < 7; round++) {
        // Alternate the order so that neither side always runs first.
        for (int w = 0; w < 3; w++) {
          Writer writer = Writer.values()[(w + Math.max(round, 0)) % 3];
          double t = measure(writer, set, millis);
          if (round >= 0) {
            ns[writer.ordinal()][round] = t;
          }
        }
      }
      double old = median(ns[0]);
      double fresh = median(ns[1]);
      double append = median(ns[2]);
      System.out.printf(
          "%-12s %8.1f %8.1f %8.1f %6.1fx %6.1fx%n",
          names.get(s), old, fresh, append, old / fresh, old / append);
    }
    System.out.println("ratio: old / new, old / append");
  }

  private static double measure(Writer writer, float[] values, long millis) {
    StringBuilder sb = new StringBuilder(1024);
    long deadline = System.nanoTime() + millis * 1_000_000;
    long written = 0;
    long start = System.nanoTime();
    long end;
    long total = 0;
    do {
      for (int i = 0; i < values.length; i++) {
        if (i % 30 == 0) {
          total += sb.length();
          sb.setLength(0);
        } else {
          sb.append(',');
        }
        switch (writer) {
          case OLD -> sb.append(OldFloatFormat.formatFloat(values[i]));
          case NEW -> sb.append(JsonNumbers.formatFloat(values[i]));
          case APPEND -> JsonNumbers.appendFloat(sb, values[i]);
          default -> throw new AssertionError(writer);
        }
      }
      written += values.length;
      end = System.nanoTime();
    } while (end < deadline);
    sink += total;
    return (end - start) / (double) written;
  }

  private static double median(double[] xs) {
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
