package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the held-out test split, the rows the evidence was measured on, as the CSV that {@code
 * vigil simulate} draws its requests from: the 30 features and the diagnosis of each row, as the
 * data set writes them, in id order, byte for byte the same every build.
 *
 * <p>Never the training or validation rows: a simulator fed with those would show the model on data
 * it was fitted or tuned on.
 */
public final class SimulatorData {

  /** The resource's path under the class path root, as the gateway reads it. */
  static final String RESOURCE = "io/vigil/demo/simulator/wdbc-test-split.csv";

  private SimulatorData() {}

  /** {@code wdbc.csv OUT.csv}: writes the test split's rows. */
  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: SimulatorData wdbc.csv OUT.csv, got " + List.of(args));
    }
    Path out = Path.of(args[1]);
    byte[] csv = testSplitCsv(WdbcData.load(Path.of(args[0])));
    try {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    System.out.println("vigil-demo: wrote the simulator's test split " + out);
  }

  /** The header without {@code id}, then each test row without its id. */
  static byte[] testSplitCsv(WdbcData data) {
    StratifiedSplit split = StratifiedSplit.of(data, StratifiedSplit.SEED);
    StringBuilder csv = new StringBuilder(withoutId(data.header())).append('\n');
    for (Sample s : data.select(split.test())) {
      csv.append(withoutId(s.line())).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The row without its first cell, the id, which only numbers rows of this copy of the data. */
  static String withoutId(String line) {
    return line.substring(line.indexOf(',') + 1);
  }
}
