package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.util.Arrays;
import java.util.List;

/** The samples of one split with the model's P(malignant) for each, from ONNX Runtime. */
record Scored(List<Sample> samples, double[] scores) {

  Scored {
    samples = List.copyOf(samples);
    if (samples.size() != scores.length) {
      throw new IllegalArgumentException(samples.size() + " samples but " + scores.length);
    }
  }

  static Scored of(List<Sample> samples, float[] scores) {
    double[] s = new double[scores.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores[i];
    }
    return new Scored(samples, s);
  }

  boolean[] malignant() {
    boolean[] labels = new boolean[samples.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = samples.get(i).malignant();
    }
    return labels;
  }

  double[] scoresOf(boolean malignant) {
    double[] selected = new double[samples.size()];
    int k = 0;
    for (int i = 0; i < selected.length; i++) {
      if (samples.get(i).malignant() == malignant) {
        selected[k++] = scores[i];
      }
    }
    return Arrays.copyOf(selected, k);
  }
}
