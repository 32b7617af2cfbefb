package io.vigil.monitoring;

import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ReferenceData;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.validation.ValidatedInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The test model of inference's test-jar (three features, a logistic score) with a reference
 * profile of held-out-like data, and live traffic drawn from the same population, shifted or not.
 */
final class Traffic {

  static final Manifest MANIFEST = TestBundles.manifest("test-model", "1.0.0", 1);

  /** The population: feature means and standard deviations. */
  static final double[] MEAN = {0, 0, 0};

  static final double[] SD = {1, 1, 1};

  private Traffic() {}

  /** The reference profile of {@code rows} rows drawn from the population. */
  static ReferenceProfile reference(Path dir, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("f0,f1,f2\n");
    float[] scores = new float[rows];
    for (int r = 0; r < rows; r++) {
      float[] row = row(random, 1, 0);
      csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
      scores[r] = TestBundles.expected(row);
    }
    Path file = dir.resolve("reference-" + rows + "-" + seed + ".csv");
    Files.writeString(file, csv);
    return ReferenceProfile.of(
        ReferenceData.read(file, MANIFEST), "p", MANIFEST.decision().threshold(), scores);
  }

  /** One row of the population, feature 0 scaled by {@code scale} and shifted by {@code offset}. */
  static float[] row(Random random, double scale, double offset) {
    float[] row = new float[3];
    for (int f = 0; f < 3; f++) {
      row[f] = (float) (MEAN[f] + SD[f] * random.nextGaussian());
    }
    row[0] = (float) (row[0] * scale + offset);
    return row;
  }

  /** Sends {@code rows} one-row predictions to {@code monitor}. */
  static void send(ModelMonitor monitor, Random random, int rows, double scale, double offset) {
    for (int r = 0; r < rows; r++) {
      float[] row = row(random, scale, offset);
      monitor.observe(
          ValidatedInput.of(1, new float[][] {row}, List.of()),
          new float[][] {{TestBundles.expected(row)}});
    }
  }

  /** Sends rows whose score is positive with probability {@code positiveShare}. */
  static void sendWithPositiveShare(
      ModelMonitor monitor, Random random, int rows, double positiveShare) {
    int sent = 0;
    while (sent < rows) {
      float[] row = row(random, 1, 0);
      float score = TestBundles.expected(row);
      boolean positive = score >= MANIFEST.decision().threshold();
      if (positive != random.nextDouble() < positiveShare) {
        continue;
      }
      monitor.observe(
          ValidatedInput.of(1, new float[][] {row}, List.of()), new float[][] {{score}});
      sent++;
    }
  }
}
