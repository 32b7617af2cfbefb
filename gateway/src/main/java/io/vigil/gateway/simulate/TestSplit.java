package io.vigil.gateway.simulate;

import io.vigil.gateway.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The held-out test split of the WDBC data set that the demo build puts in its jar: the rows the
 * simulator draws its requests from, never a row the model was trained on.
 */
public record TestSplit(List<String> featureNames, List<Row> rows) {

  /** Where the demo build writes the rows (see {@code demo/.../SimulatorData}). */
  public static final String RESOURCE = "/io/vigil/demo/simulator/wdbc-test-split.csv";

  private static final String MALIGNANT = "malignant";
  private static final String BENIGN = "benign";

  public TestSplit {
    featureNames = List.copyOf(featureNames);
    rows = List.copyOf(rows);
  }

  /** One row: its measurements in the data set's column order and its diagnosis. */
  public record Row(double[] features, boolean malignant) {
    public Row {
      features = features.clone();
    }

    @Override
    public double[] features() {
      return features.clone();
    }

    double feature(int index) {
      return features[index];
    }
  }

  private static volatile TestSplit shipped;

  /** The rows the demo jar ships, read on first use. */
  public static TestSplit shipped() {
    TestSplit split = shipped;
    if (split == null) {
      split = read();
      shipped = split;
    }
    return split;
  }

  private static TestSplit read() {
    try (InputStream in = TestSplit.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new GatewayException(
            GatewayException.Code.NOT_FOUND,
            "the simulator's data "
                + RESOURCE
                + " is not on the class path: it comes with the vigil-demo jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Reads the CSV: a header of feature names then {@code diagnosis}, one row a line. */
  static TestSplit parse(String csv) {
    List<String> lines = csv.lines().toList();
    List<String> columns = Arrays.asList(lines.get(0).split(",", -1));
    if (!columns.get(columns.size() - 1).equals("diagnosis")) {
      throw new IllegalStateException(RESOURCE + ": the last column is not diagnosis");
    }
    List<String> names = columns.subList(0, columns.size() - 1);
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      if (cells.length != columns.size()) {
        throw new IllegalStateException(RESOURCE + ": expected " + columns.size() + " cells");
      }
      double[] features = new double[names.size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = Double.parseDouble(cells[i]);
      }
      String diagnosis = cells[cells.length - 1];
      if (!diagnosis.equals(MALIGNANT) && !diagnosis.equals(BENIGN)) {
        throw new IllegalStateException(RESOURCE + ": unknown diagnosis " + diagnosis);
      }
      rows.add(new Row(features, diagnosis.equals(MALIGNANT)));
    }
    return new TestSplit(names, rows);
  }
}
