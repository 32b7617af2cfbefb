package io.vigil.inference;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes small real ONNX models for tests with a minimal protobuf encoder, so tests need no
 * protobuf library: {@code p = sigmoid(x · w + b)} over an input {@code x} of shape [N, F].
 */
public final class TinyOnnx {

  private TinyOnnx() {}

  /**
   * A logistic model with input {@code inputName} [N, w.length] and output {@code outputName} [N,
   * 1].
   */
  public static byte[] logistic(String inputName, String outputName, float[] w, float b) {
    Proto graph = new Proto();
    graph.message(1, node("MatMul", new String[] {inputName, "W"}, "xw"));
    graph.message(1, node("Add", new String[] {"xw", "B"}, "logit"));
    graph.message(1, node("Sigmoid", new String[] {"logit"}, outputName));
    graph.string(2, "tiny");
    graph.message(5, floatTensor("W", new long[] {w.length, 1}, w));
    graph.message(5, floatTensor("B", new long[] {1}, new float[] {b}));
    graph.message(11, valueInfo(inputName, w.length));
    graph.message(12, valueInfo(outputName, 1));
    return model(graph);
  }

  /**
   * A slow model for tests of queues and draining: {@code layers} dense tanh layers of {@code
   * width} over an input {@code x} [N, 3], then a sigmoid to {@code p} [N, 1]; the weights are
   * fixed pseudo-random numbers and mean nothing.
   */
  public static byte[] deep(int width, int layers) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    Proto graph = new Proto();
    String previous = "x";
    graph.message(5, floatTensor("W_in", new long[] {3, width}, randoms(random, 3 * width, 0.5)));
    graph.message(
        5,
        floatTensor(
            "W_hidden",
            new long[] {width, width},
            randoms(random, width * width, 1.0 / Math.sqrt(width))));
    graph.message(
        5,
        floatTensor(
            "W_out", new long[] {width, 1}, randoms(random, width, 1.0 / Math.sqrt(width))));
    graph.message(1, node("MatMul", new String[] {"x", "W_in"}, "h0"));
    previous = "h0";
    for (int i = 1; i <= layers; i++) {
      graph.message(1, node("MatMul", new String[] {previous, "W_hidden"}, "m" + i));
      graph.message(1, node("Tanh", new String[] {"m" + i}, "h" + i));
      previous = "h" + i;
    }
    graph.message(1, node("MatMul", new String[] {previous, "W_out"}, "logit"));
    graph.message(1, node("Sigmoid", new String[] {"logit"}, "p"));
    graph.string(2, "deep");
    graph.message(11, valueInfo("x", 3));
    graph.message(12, valueInfo("p", 1));
    return model(graph);
  }

  private static byte[] model(Proto graph) {
    Proto opset = new Proto();
    opset.string(1, "");
    opset.varint(2, 13);
    Proto model = new Proto();
    model.varint(1, 8);
    model.string(2, "vigil-test");
    model.message(7, graph);
    model.message(8, opset);
    return model.bytes();
  }

  private static float[] randoms(java.util.SplittableRandom random, int n, double scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextDouble(-1, 1) * scale);
    }
    return values;
  }

  private static Proto node(String op, String[] inputs, String output) {
    Proto n = new Proto();
    for (String in : inputs) {
      n.string(1, in);
    }
    n.string(2, output);
    n.string(3, op + "_" + output);
    n.string(4, op);
    return n;
  }

  private static Proto floatTensor(String name, long[] dims, float[] values) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, 1);
    t.string(8, name);
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    t.bytes(9, raw.array());
    return t;
  }

  private static Proto valueInfo(String name, long width) {
    Proto batch = new Proto();
    batch.string(2, "batch");
    Proto cols = new Proto();
    cols.varint(1, width);
    Proto shape = new Proto();
    shape.message(1, batch);
    shape.message(1, cols);
    Proto tensor = new Proto();
    tensor.varint(1, 1);
    tensor.message(2, shape);
    Proto type = new Proto();
    type.message(1, tensor);
    Proto info = new Proto();
    info.string(1, name);
    info.message(2, type);
    return info;
  }

  /** Just enough of the protobuf wire format: varints and length-delimited fields. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void varint(int field, long value) {
      tag(field, 0);
      raw(value);
    }

    void string(int field, String value) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    void message(int field, Proto message) {
      bytes(field, message.bytes());
    }

    void bytes(int field, byte[] value) {
      tag(field, 2);
      raw(value.length);
      out.writeBytes(value);
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void tag(int field, int wireType) {
      raw(((long) field << 3) | wireType);
    }

    private void raw(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
