package io.vigil.onnxwriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GraphWriterTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @Test
  void writesALogisticModelThatOnnxRuntimeComputes() throws OrtException {
    GraphWriter graph =
        GraphWriter.create("logistic")
            .input("x", 2)
            .output("p", 1)
            .floatData("W", new float[] {0.5f, -0.25f}, 2, 1)
            .rawData("B", new float[] {0.75f}, 1);
    graph.node("MatMul", "matmul").inputs("x", "W").outputs("xw");
    graph.node("Add", "add").inputs("xw", "B").outputs("logit");
    graph.node("Sigmoid", "sigmoid").inputs("logit").outputs("p");

    float[][] p = run(graph.write(8, 13, "test"), "p", new float[][] {{1, 2}, {4, -2}});

    assertEquals(sigmoid(0.5 * 1 - 0.25 * 2 + 0.75), p[0][0], 1e-6);
    assertEquals(sigmoid(0.5 * 4 - 0.25 * -2 + 0.75), p[1][0], 1e-6);
  }

  @Test
  void givesTheRuntimeEachKindOfAttributeAndInt64Initializers() throws OrtException {
    GraphWriter graph =
        GraphWriter.create("attributes")
            .input("x", 3)
            .output("y", 1)
            .output("m", 1)
            .int64Data("shape", -1, 3)
            .rawData("W", new float[] {1, 2, 3}, 1, 3)
            .floatData("C", new float[] {0.5f}, 1);
    graph.node("Reshape", "reshape").inputs("x", "shape").outputs("x2");
    graph
        .node("Gemm", "gemm")
        .inputs("x2", "W", "C")
        .outputs("y")
        .attributeFloat("alpha", 2)
        .attributeInt("transB", 1);
    graph.node("ReduceMax", "max").inputs("x2").outputs("m").attributeInts("axes", 1);

    byte[] model = graph.write(8, 13, "test");
    float[][] x = {{1, -1, 2}};

    // y = 2 · (1·1 + 2·−1 + 3·2) + 0.5
    assertEquals(10.5f, run(model, "y", x)[0][0], 1e-6);
    assertEquals(2f, run(model, "m", x)[0][0], 1e-6);
  }

  @Test
  void writesTheSameBytesForTheSameCalls() {
    assertArrayEquals(logistic().write(8, 13, "test"), logistic().write(8, 13, "test"));
  }

  @Test
  void writesTheSameBytesWhenWrittenTwice() {
    GraphWriter graph = logistic();

    assertArrayEquals(graph.write(8, 13, "test"), graph.write(8, 13, "test"));
  }

  @Test
  void rejectsValuesThatDoNotFillTheShape() {
    GraphWriter graph = GraphWriter.create("g");

    var e =
        assertThrows(
            IllegalArgumentException.class, () -> graph.floatData("W", new float[3], 2, 2));
    assertEquals("W: 3 values for 4 elements", e.getMessage());
  }

  @Test
  void rejectsANodeWithoutOutputs() {
    GraphWriter graph = logistic();
    graph.node("Relu", "dangling").inputs("p");

    var e = assertThrows(IllegalStateException.class, () -> graph.write(8, 13, "test"));
    assertEquals("node dangling has no outputs", e.getMessage());
  }

  @Test
  void drawsTheSameWeightsFromTheSameSeedWithinTheScale() {
    float[] a = Weights.uniform(new SplittableRandom(7), 0.5, 1000);
    float[] b = Weights.uniform(new SplittableRandom(7), 0.5, 1000);

    assertArrayEquals(a, b);
    for (float v : a) {
      assertTrue(v >= -0.5f && v <= 0.5f, "weight " + v);
    }
  }

  private static GraphWriter logistic() {
    GraphWriter graph =
        GraphWriter.create("logistic")
            .input("x", 1)
            .output("p", 1)
            .floatData("W", new float[] {2}, 1, 1);
    graph.node("MatMul", "matmul").inputs("x", "W").outputs("logit");
    graph.node("Sigmoid", "sigmoid").inputs("logit").outputs("p");
    return graph;
  }

  private static float[][] run(byte[] model, String output, float[][] x) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = ENV.createSession(model, options);
        OnnxTensor input = OnnxTensor.createTensor(ENV, x);
        OrtSession.Result result = session.run(Map.of("x", input))) {
      return (float[][]) result.get(output).orElseThrow().getValue();
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
