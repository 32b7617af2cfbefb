package io.vigil.demo;

/**
 * The trained classifier as the device sees it: P(malignant) = sigmoid(weights . x + bias) on raw,
 * unstandardised measurements.
 */
record LogisticModel(double[] weights, double bias) {

  /**
   * Folds the standardisation into the weights of a two-class softmax, given as the difference of
   * the malignant and benign logits' weights on standardised features.
   */
  static LogisticModel fold(
      double[] standardisedWeights, double standardisedBias, Standardisation s) {
    double[] weights = new double[standardisedWeights.length];
    double bias = standardisedBias;
    for (int j = 0; j < weights.length; j++) {
      weights[j] = standardisedWeights[j] / s.sd()[j];
      bias -= weights[j] * s.mean()[j];
    }
    return new LogisticModel(weights, bias);
  }
}
