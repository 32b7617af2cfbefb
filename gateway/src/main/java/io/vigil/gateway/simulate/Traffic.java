package io.vigil.gateway.simulate;

import io.vigil.gateway.simulate.TestSplit.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws the simulated rows: a test-split row at random (or of the class a {@code prevalence} shift
 * picks), each feature with relative gaussian noise, then the shifts active at that time; the same
 * seed gives the same rows in the same order.
 */
final class Traffic {

  /** One request's row: its values and which of them are sent as JSON null. */
  record Draw(float[] values, boolean[] missing, boolean malignant) {}

  private final TestSplit data;
  private final List<Row> malignant = new ArrayList<>();
  private final List<Row> benign = new ArrayList<>();
  private final Random random;
  private final double noise;
  private final List<Shift> shifts;
  private final int[] featureIndex;

  Traffic(TestSplit data, long seed, double noise, List<Shift> shifts) {
    this.data = data;
    for (Row r : data.rows()) {
      (r.malignant() ? malignant : benign).add(r);
    }
    this.random = new Random(seed);
    this.noise = noise;
    this.shifts = List.copyOf(shifts);
    this.featureIndex = new int[this.shifts.size()];
    for (int s = 0; s < featureIndex.length; s++) {
      Shift shift = this.shifts.get(s);
      featureIndex[s] =
          shift.kind() == Shift.Kind.PREVALENCE ? -1 : data.featureNames().indexOf(shift.feature());
      if (shift.kind() != Shift.Kind.PREVALENCE && featureIndex[s] < 0) {
        throw new IllegalArgumentException("no feature " + shift.feature());
      }
    }
  }

  /** The next row, {@code elapsedSeconds} into the run; callers on several threads take turns. */
  synchronized Draw next(double elapsedSeconds) {
    Row row = pick(elapsedSeconds);
    int width = data.featureNames().size();
    double[] x = new double[width];
    boolean[] missing = new boolean[width];
    for (int j = 0; j < width; j++) {
      // Measurements are never negative: noise may shrink one to 0, never flip its sign.
      x[j] = row.feature(j) * Math.max(0, 1 + noise * random.nextGaussian());
    }
    for (int s = 0; s < featureIndex.length; s++) {
      Shift shift = shifts.get(s);
      if (!shift.activeAt(elapsedSeconds)) {
        continue;
      }
      int j = featureIndex[s];
      switch (shift.kind()) {
        case SCALE -> x[j] *= shift.value();
        case OFFSET -> x[j] += shift.value();
        case MISSING -> missing[j] |= random.nextDouble() < shift.value();
        case PREVALENCE -> {
          // applied in pick
        }
      }
    }
    float[] values = new float[width];
    for (int j = 0; j < width; j++) {
      values[j] = (float) x[j];
    }
    return new Draw(values, missing, row.malignant());
  }

  /** A row of the class the latest active prevalence shift draws, else any row. */
  private Row pick(double elapsedSeconds) {
    double prevalence = -1;
    for (Shift s : shifts) {
      if (s.kind() == Shift.Kind.PREVALENCE && s.activeAt(elapsedSeconds)) {
        prevalence = s.value();
      }
    }
    if (prevalence < 0) {
      return data.rows().get(random.nextInt(data.rows().size()));
    }
    List<Row> from = random.nextDouble() < prevalence ? malignant : benign;
    return from.get(random.nextInt(from.size()));
  }
}
