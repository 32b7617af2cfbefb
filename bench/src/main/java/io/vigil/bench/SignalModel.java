package io.vigil.bench;

import java.util.List;
import java.util.Optional;

/**
 * A benchmark-only model with fixed pseudo-random weights over one signal of {@link #SIGNAL_LENGTH}
 * samples, giving one probability per row: {@code signal [N, 250]} → {@code probability [N, 1]}.
 * {@link SignalBundle} turns one into a bundle.
 */
interface SignalModel {

  /** Samples per row. */
  int SIGNAL_LENGTH = 250;

  /** The input tensor's name. */
  String INPUT = "signal";

  /** The output tensor's name. */
  String OUTPUT = "probability";

  /** The ONNX IR version of the benchmark models. */
  long IR_VERSION = 8;

  /** The ONNX opset the benchmark models import. */
  long OPSET = 13;

  /** The producer named in the benchmark models. */
  String PRODUCER = "vigil-bench";

  /** The model id in the manifest and the OIP path. */
  String modelId();

  /** The serialized ONNX model; the same bytes for the same shape. */
  byte[] onnx();

  /** The shape in words, for the bundle's evidence. */
  String describe();

  /** Multiply-accumulates per row. */
  long macsPerRow();

  /** Values per row: {@link #SIGNAL_LENGTH} unless the model takes a larger input. */
  default int length() {
    return SIGNAL_LENGTH;
  }

  /**
   * The probabilities for {@code rows}, computed here without ONNX Runtime, from which the bundle's
   * golden vectors are written; empty for a model without such a reference.
   */
  default Optional<float[]> reference(List<float[]> rows) {
    return Optional.empty();
  }

  /** The benchmark's input row: a 5 Hz sine with a little ripple, well inside ±10 mV. */
  static float[] signal() {
    return signal(SIGNAL_LENGTH);
  }

  /** The same wave over {@code length} values. */
  static float[] signal(int length) {
    float[] signal = new float[length];
    for (int i = 0; i < signal.length; i++) {
      signal[i] = (float) (Math.sin(2 * Math.PI * i / 50.0) + 0.1 * Math.sin(i));
    }
    return signal;
  }
}
