package io.vigil.inference;

import io.vigil.onnxwriter.GraphWriter;
import io.vigil.onnxwriter.Weights;
import java.util.SplittableRandom;

/**
 * Writes small real ONNX models for tests through the onnx-writer module: {@code p = sigmoid(x · w
 * + b)} over an input {@code x} of shape [N, F], and a deliberately slow deep one.
 */
public final class TinyOnnx {

  private static final long IR_VERSION = 8;
  private static final long OPSET = 13;
  private static final String PRODUCER = "vigil-test";

  private TinyOnnx() {}

  /**
   * A logistic model with input {@code inputName} [N, w.length] and output {@code outputName} [N,
   * 1].
   */
  public static byte[] logistic(String inputName, String outputName, float[] w, float b) {
    GraphWriter graph =
        GraphWriter.create("tiny")
            .input(inputName, w.length)
            .output(outputName, 1)
            .rawData("W", w, w.length, 1)
            .rawData("B", new float[] {b}, 1);
    graph.node("MatMul", "MatMul_xw").inputs(inputName, "W").outputs("xw");
    graph.node("Add", "Add_logit").inputs("xw", "B").outputs("logit");
    graph.node("Sigmoid", "Sigmoid_" + outputName).inputs("logit").outputs(outputName);
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }

  /**
   * The logistic model of {@link #logistic} behind a Reshape of its input to the fixed shape [1,
   * w.length]: it answers exactly like the logistic model for one row and fails in ONNX Runtime for
   * any other number of rows, though its graph declares a batch of any size.
   */
  public static byte[] failsOnMoreThanOneRow(float[] w, float b) {
    GraphWriter graph =
        GraphWriter.create("one-row-only")
            .input("x", w.length)
            .output("p", 1)
            .int64Data("one_row", 1, w.length)
            .rawData("W", w, w.length, 1)
            .rawData("B", new float[] {b}, 1);
    graph.node("Reshape", "Reshape_one_row").inputs("x", "one_row").outputs("x1");
    graph.node("MatMul", "MatMul_xw").inputs("x1", "W").outputs("xw");
    graph.node("Add", "Add_logit").inputs("xw", "B").outputs("logit");
    graph.node("Sigmoid", "Sigmoid_p").inputs("logit").outputs("p");
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }

  /**
   * A slow model for tests of queues and draining: {@code layers} dense tanh layers of {@code
   * width} over an input {@code x} [N, 3], then a sigmoid to {@code p} [N, 1]; the weights are
   * fixed pseudo-random numbers and mean nothing.
   */
  public static byte[] deep(int width, int layers) {
    SplittableRandom random = new SplittableRandom(42);
    double scale = 1.0 / Math.sqrt(width);
    GraphWriter graph =
        GraphWriter.create("deep")
            .input("x", 3)
            .output("p", 1)
            .rawData("W_in", Weights.uniform(random, 0.5, 3 * width), 3, width)
            .rawData("W_hidden", Weights.uniform(random, scale, width * width), width, width)
            .rawData("W_out", Weights.uniform(random, scale, width), width, 1);
    graph.node("MatMul", "MatMul_h0").inputs("x", "W_in").outputs("h0");
    String previous = "h0";
    for (int i = 1; i <= layers; i++) {
      graph.node("MatMul", "MatMul_m" + i).inputs(previous, "W_hidden").outputs("m" + i);
      graph.node("Tanh", "Tanh_h" + i).inputs("m" + i).outputs("h" + i);
      previous = "h" + i;
    }
    graph.node("MatMul", "MatMul_logit").inputs(previous, "W_out").outputs("logit");
    graph.node("Sigmoid", "Sigmoid_p").inputs("logit").outputs("p");
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }
}
