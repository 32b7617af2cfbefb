package io.vigil.bench;

import static io.vigil.onnxwriter.Weights.uniform;

import io.vigil.onnxwriter.GraphWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A dense network over a signal of {@link #SIGNAL_LENGTH} samples, with fixed pseudo-random
 * weights: the benchmark workload whose cost per row falls with the batch. At batch 1 each layer is
 * a matrix-vector product that reads every weight once per row (bound by memory); at batch 32 it is
 * a matrix product that reuses each weight for 32 rows.
 *
 * <p>Graph: {@code signal [N, 250]} → {@code layers} × (MatMul {@code [in, hidden]}, Add, Relu) →
 * MatMul {@code [hidden, 1]}, Add → Sigmoid → {@code probability [N, 1]}.
 */
record MlpModel(int hidden, int layers) implements SignalModel {

  /** The model id of the benchmark's dense model. */
  public static final String MODEL_ID = "bench-mlp";

  /**
   * The shape tuned on the benchmark machine for about 1 ms per row at batch 1 with one intra-op
   * thread: 36 MB of weights, read from memory once per call (0.9 ms per row at batch 1, 0.15 ms at
   * batch 32, measured). Width 1536 (20 MB) stays in the cache and costs 0.43 ms per row.
   */
  public static final MlpModel DEFAULT = new MlpModel(2048, 3);

  private static final long SEED = 20260103L;

  public MlpModel {
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden < 1");
    }
    if (layers < 1) {
      throw new IllegalArgumentException("layers < 1");
    }
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d dense layers of %d, %.1f MB of weights",
        layers,
        hidden,
        weights() * Float.BYTES / 1e6);
  }

  /** Multiply-accumulates per row: one per weight of the matrices. */
  @Override
  public long macsPerRow() {
    return (long) SIGNAL_LENGTH * hidden + (long) hidden * hidden * (layers - 1) + hidden;
  }

  /** Weights and biases, float32 each. */
  public long weights() {
    return macsPerRow() + (long) hidden * layers + 1;
  }

  @Override
  public byte[] onnx() {
    GraphWriter graph = GraphWriter.create(MODEL_ID).input(INPUT, SIGNAL_LENGTH).output(OUTPUT, 1);
    String previous = INPUT;
    List<Dense> dense = dense();
    for (int l = 0; l < dense.size(); l++) {
      Dense d = dense.get(l);
      boolean head = l == dense.size() - 1;
      String name = head ? "head" : "dense" + (l + 1);
      String sum = head ? "logit" : name + "_z";
      graph.rawData(name + "_w", d.w(), d.in(), d.out());
      graph.rawData(name + "_b", d.b(), d.out());
      graph
          .node("MatMul", "MatMul_" + name + "_mm")
          .inputs(previous, name + "_w")
          .outputs(name + "_mm");
      graph.node("Add", "Add_" + sum).inputs(name + "_mm", name + "_b").outputs(sum);
      if (!head) {
        graph.node("Relu", "Relu_" + name + "_h").inputs(sum).outputs(name + "_h");
        previous = name + "_h";
      }
    }
    graph.node("Sigmoid", "Sigmoid_" + OUTPUT).inputs("logit").outputs(OUTPUT);
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }

  /** The same network in float64 on the CPU, without ONNX Runtime. */
  @Override
  public Optional<float[]> reference(List<float[]> rows) {
    List<Dense> dense = dense();
    float[] out = new float[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      double[] x = new double[SIGNAL_LENGTH];
      for (int i = 0; i < x.length; i++) {
        x[i] = rows.get(r)[i];
      }
      for (int l = 0; l < dense.size(); l++) {
        x = dense.get(l).apply(x, l < dense.size() - 1);
      }
      out[r] = (float) (1 / (1 + Math.exp(-x[0])));
    }
    return Optional.of(out);
  }

  /**
   * The layers' weights in the order the seed draws them: He-uniform matrices (so activations keep
   * their scale through the Relus and the logit stays near ±1), small biases.
   */
  private List<Dense> dense() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<Dense> dense = new ArrayList<>();
    int in = SIGNAL_LENGTH;
    for (int l = 0; l <= layers; l++) {
      boolean head = l == layers;
      int out = head ? 1 : hidden;
      double scale = Math.sqrt((head ? 3.0 : 6.0) / in);
      dense.add(new Dense(in, out, uniform(random, scale, in * out), uniform(random, 0.01, out)));
      in = out;
    }
    return dense;
  }

  /** One layer: {@code y = x · w + b}, {@code w} row-major {@code [in, out]}. */
  private record Dense(int in, int out, float[] w, float[] b) {
    double[] apply(double[] x, boolean relu) {
      double[] y = new double[out];
      for (int j = 0; j < out; j++) {
        y[j] = b[j];
      }
      for (int i = 0; i < in; i++) {
        double xi = x[i];
        int row = i * out;
        for (int j = 0; j < out; j++) {
          y[j] += xi * w[row + j];
        }
      }
      if (relu) {
        for (int j = 0; j < out; j++) {
          y[j] = Math.max(0, y[j]);
        }
      }
      return y;
    }
  }
}
