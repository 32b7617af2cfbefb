package io.vigil.demo;

/** The hyper-parameters of the logistic regression; fixed, so that every build trains alike. */
record TrainingSettings(
    int epochs, double learningRate, double epsilon, int minibatchSize, long seed) {

  /** Release 1's settings. */
  static final TrainingSettings DEFAULT = new TrainingSettings(50, 0.1, 1e-6, 1, 20260101L);

  /**
   * Release 2's: the same trainer on the same training split with another seed, so another order of
   * the training rows; chosen before it was trained, not searched for.
   */
  static final TrainingSettings RETRAINED = DEFAULT.withSeed(20260701L);

  TrainingSettings withSeed(long other) {
    return new TrainingSettings(epochs, learningRate, epsilon, minibatchSize, other);
  }
}
