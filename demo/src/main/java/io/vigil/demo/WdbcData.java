package io.vigil.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The WDBC data set as shipped in {@code demo/data/wdbc.csv}, read only once its digest matches the
 * one the evidence names.
 */
record WdbcData(String header, List<String> featureNames, List<Sample> samples, String sha256) {

  /** The digest of the only copy of the data set this demonstration is qualified on. */
  static final String EXPECTED_SHA256 =
      "89ae7d94707e6d0fb1c78c68203ec18e2ea45fb2834d478182987cc0da1db971";

  static final String MALIGNANT = "malignant";
  static final String BENIGN = "benign";

  WdbcData {
    featureNames = List.copyOf(featureNames);
    samples = List.copyOf(samples);
  }

  /** One row: its 1-based id, its 30 measurements in column order and its diagnosis. */
  record Sample(int id, double[] features, boolean malignant, String line) {

    /** The measurements as a device sends them: raw, in single precision. */
    float[] featuresAsFloats() {
      float[] f = new float[features.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) features[i];
      }
      return f;
    }
  }

  /** Reads and checks the CSV; a file with another digest or shape is refused. */
  static WdbcData load(Path csv) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the WDBC data at " + csv, e);
    }
    String digest = sha256(bytes);
    if (!digest.equals(EXPECTED_SHA256)) {
      throw new IllegalArgumentException(
          csv + ": sha256 is " + digest + ", expected " + EXPECTED_SHA256);
    }
    List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
    String header = lines.get(0);
    String[] columns = header.split(",", -1);
    if (!columns[0].equals("id") || !columns[columns.length - 1].equals("diagnosis")) {
      throw new IllegalArgumentException(csv + ": expected columns id, features..., diagnosis");
    }
    List<String> featureNames = Arrays.asList(columns).subList(1, columns.length - 1);
    List<Sample> samples = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      if (cells.length != columns.length) {
        throw new IllegalArgumentException(
            csv + ": expected " + columns.length + " cells: " + line);
      }
      double[] features = new double[featureNames.size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = Double.parseDouble(cells[i + 1]);
      }
      String diagnosis = cells[cells.length - 1];
      if (!diagnosis.equals(MALIGNANT) && !diagnosis.equals(BENIGN)) {
        throw new IllegalArgumentException(csv + ": unknown diagnosis '" + diagnosis + "'");
      }
      samples.add(
          new Sample(Integer.parseInt(cells[0]), features, diagnosis.equals(MALIGNANT), line));
    }
    return new WdbcData(header, featureNames, samples, digest);
  }

  /** The samples with these ids, in the order given. */
  List<Sample> select(List<Integer> ids) {
    List<Sample> selected = new ArrayList<>(ids.size());
    for (int id : ids) {
      Sample s = samples.get(id - 1);
      if (s.id() != id) {
        throw new IllegalStateException("ids are not the row numbers: " + id);
      }
      selected.add(s);
    }
    return selected;
  }

  int width() {
    return featureNames.size();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
