package io.vigil.bench;

import static io.vigil.onnxwriter.Weights.uniform;

import io.vigil.onnxwriter.GraphWriter;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * An imaging-sized input for the protocol's bindings: one row is a 224 × 224 image of 3 channels,
 * {@value #LENGTH} float32 values flattened channel by channel, and the model is one dense logit
 * over them, so that a request costs what carrying and checking its input costs, not what the model
 * costs (about 150,000 multiply-accumulates, some tens of microseconds).
 *
 * <p>Graph: {@code signal [N, 150528]} → MatMul → Add → Sigmoid → {@code probability [N, 1]}.
 */
record ImageModel(int length) implements SignalModel {

  /** The model id of the benchmark's imaging-sized model. */
  public static final String MODEL_ID = "bench-image";

  /** Values in a 224 × 224 image of 3 channels. */
  public static final int LENGTH = 3 * 224 * 224;

  /** The shape the bindings benchmark serves. */
  public static final ImageModel DEFAULT = new ImageModel(LENGTH);

  private static final long SEED = 20261202L;

  public ImageModel {
    if (length < 1) {
      throw new IllegalArgumentException("length < 1");
    }
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public String describe() {
    return "one dense logit over " + length + " values";
  }

  @Override
  public long macsPerRow() {
    return length;
  }

  @Override
  public byte[] onnx() {
    Weights w = weights();
    GraphWriter graph = GraphWriter.create(MODEL_ID).input(INPUT, length).output(OUTPUT, 1);
    graph.rawData("w", w.w(), length, 1);
    graph.rawData("b", new float[] {w.b()}, 1);
    graph.node("MatMul", "MatMul_mm").inputs(INPUT, "w").outputs("mm");
    graph.node("Add", "Add_logit").inputs("mm", "b").outputs("logit");
    graph.node("Sigmoid", "Sigmoid_" + OUTPUT).inputs("logit").outputs(OUTPUT);
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }

  /** The same logit in float64, without ONNX Runtime. */
  @Override
  public Optional<float[]> reference(List<float[]> rows) {
    Weights w = weights();
    float[] out = new float[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      double logit = w.b();
      float[] x = rows.get(r);
      for (int i = 0; i < length; i++) {
        logit += (double) x[i] * w.w()[i];
      }
      out[r] = (float) (1 / (1 + Math.exp(-logit)));
    }
    return Optional.of(out);
  }

  /** Uniform weights scaled so that the logit of a row of unit values stays near ±1. */
  private Weights weights() {
    SplittableRandom random = new SplittableRandom(SEED);
    return new Weights(uniform(random, Math.sqrt(3.0 / length), length), 0.01f);
  }

  private record Weights(float[] w, float b) {}
}
