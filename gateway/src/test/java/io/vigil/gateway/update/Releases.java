package io.vigil.gateway.update;

import io.vigil.inference.TestBundles;
import io.vigil.inference.TinyOnnx;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ReferenceData;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfileCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Monitored releases of a small logistic model for the update gate's tests: each with its golden
 * vector and a reference profile of 2,000 rows drawn from a standard normal population, so that
 * traffic from that population keeps it normal and shifted traffic makes it drift.
 */
public final class Releases {

  public static final String MODEL = "gate-model";
  static final float[] WEIGHTS = TestBundles.WEIGHTS;

  private Releases() {}

  /** Release {@code release} (version {@code 1.0.<release>}) with the test model's weights. */
  public static Bundle release(long release, float bias) {
    return release(release, bias, "1.0." + release);
  }

  static Bundle release(long release, float bias, String version) {
    return release(release, bias, version, 0);
  }

  /**
   * A release whose golden vector's recorded output is off by {@code goldenError}: its model does
   * not reproduce its own evidence.
   */
  static Bundle release(long release, float bias, String version, float goldenError) {
    Manifest manifest = TestBundles.manifest(MODEL, version, release, false);
    Map<String, byte[]> files = new TreeMap<>();
    files.put(Bundle.MODEL, TinyOnnx.logistic("x", "p", WEIGHTS, bias));
    float[] golden = {1, 2, 3};
    files.put(
        "evidence/golden-vectors.json",
        ("{\"tolerance\": 1.0E-5, \"vectors\": [{\"id\": 1, \"inputs\": {\"x\": [1.0, 2.0, 3.0]},"
                + " \"outputs\": {\"p\": ["
                + (score(golden, bias) + goldenError)
                + "]}}]}")
            .getBytes(StandardCharsets.UTF_8));
    files.put("evidence/report.md", "# Gate test evidence\n".getBytes(StandardCharsets.UTF_8));
    files.put(ReferenceProfile.FILE, profile(manifest, bias));
    return BundleWriter.write(manifest, files);
  }

  /** A row of the population; feature 0 shifted by {@code offset} standard deviations. */
  static float[] row(Random random, double offset) {
    return new float[] {
      (float) (random.nextGaussian() + offset),
      (float) random.nextGaussian(),
      (float) random.nextGaussian()
    };
  }

  /** An OIP v2 request of {@code rows} rows of the population, shifted by {@code offset}. */
  public static String request(Random random, int rows, double offset) {
    StringBuilder data = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      for (float v : row(random, offset)) {
        data.append(data.length() == 0 ? "" : ",").append(v);
      }
    }
    return "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": ["
        + rows
        + ", 3], \"data\": ["
        + data
        + "]}]}";
  }

  static float score(float[] row, float bias) {
    double z = bias;
    for (int i = 0; i < WEIGHTS.length; i++) {
      z += (double) WEIGHTS[i] * row[i];
    }
    return (float) (1 / (1 + Math.exp(-z)));
  }

  private static byte[] profile(Manifest manifest, float bias) {
    Random random = new Random(7);
    int rows = 2000;
    StringBuilder csv = new StringBuilder("f0,f1,f2\n");
    float[] scores = new float[rows];
    for (int r = 0; r < rows; r++) {
      float[] row = row(random, 0);
      csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
      scores[r] = score(row, bias);
    }
    try {
      Path file = Files.createTempFile("vigil-reference-", ".csv");
      try {
        Files.writeString(file, csv);
        return ReferenceProfileCodec.write(
            ReferenceProfile.of(
                ReferenceData.read(file, manifest), "p", manifest.decision().threshold(), scores));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
