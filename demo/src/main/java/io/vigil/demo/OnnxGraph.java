package io.vigil.demo;

import io.vigil.onnxwriter.GraphWriter;

/**
 * Writes a {@link LogisticModel} as an ONNX graph, {@code probability = Sigmoid(MatMul(features, W)
 * + B)}, with nothing in it that varies between builds (no timestamps, no host names).
 */
final class OnnxGraph {

  static final String INPUT = "features";
  static final String OUTPUT = "probability";
  static final long IR_VERSION = 8;
  static final long OPSET = 13;
  static final String PRODUCER = "vigil-demo";

  private OnnxGraph() {}

  static byte[] write(LogisticModel model) {
    double[] weights = model.weights();
    float[] w = new float[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) weights[i];
    }
    GraphWriter graph =
        GraphWriter.create("wdbc_malignancy")
            .input(INPUT, w.length)
            .output(OUTPUT, 1)
            .floatData("W", w, w.length, 1)
            .floatData("B", new float[] {(float) model.bias()}, 1);
    graph.node("MatMul", "matmul").inputs(INPUT, "W").outputs("logit_without_bias");
    graph.node("Add", "add_bias").inputs("logit_without_bias", "B").outputs("logit");
    graph.node("Sigmoid", "sigmoid").inputs("logit").outputs(OUTPUT);
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }
}
