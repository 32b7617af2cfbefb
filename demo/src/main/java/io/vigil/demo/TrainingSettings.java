package io.vigil.demo;

/** The hyper-parameters of the logistic regression; fixed, so that every build trains alike. */
record TrainingSettings(
    int epochs, double learningRate, double epsilon, int minibatchSize, long seed) {

  static final TrainingSettings DEFAULT = new TrainingSettings(50, 0.1, 1e-6, 1, 20260101L);
}
