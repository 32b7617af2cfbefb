package io.vigil.monitoring;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A tiny real ONNX model, encoded by hand: {@code p = sigmoid(x · W + B)} with input {@code x} FP32
 * [N,3] and output {@code p} FP32 [N,1] (IR version 8, opset 13).
 */
final class TinyOnnx {

  private TinyOnnx() {}

  /** The model with weights {@code w} (3 values) and bias {@code b}. */
  static byte[] model(float[] w, float b) {
    Proto graph =
        new Proto()
            .message(1, node("MatMul", "x", "W", "xw"))
            .message(1, node("Add", "xw", "B", "z"))
            .message(1, node("Sigmoid", "z", null, "p"))
            .string(2, "tiny")
            .message(5, tensor("W", new long[] {3, 1}, w))
            .message(5, tensor("B", new long[] {1}, new float[] {b}))
            .message(11, valueInfo("x", 3))
            .message(12, valueInfo("p", 1));
    return new Proto()
        .varint(1, 8)
        .string(2, "vigil-test")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13))
        .bytes();
  }

  private static Proto node(String op, String in1, String in2, String out) {
    Proto node = new Proto().string(1, in1);
    if (in2 != null) {
      node.string(1, in2);
    }
    return node.string(2, out).string(3, op.toLowerCase(Locale.ROOT)).string(4, op);
  }

  private static Proto tensor(String name, long[] dims, float[] values) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return t.varint(2, 1).string(8, name).raw(9, raw.array());
  }

  /** A float tensor of shape [N, width], N symbolic. */
  private static Proto valueInfo(String name, long width) {
    Proto shape =
        new Proto().message(1, new Proto().string(2, "N")).message(1, new Proto().varint(1, width));
    Proto tensorType = new Proto().varint(1, 1).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** The few protobuf wire types an ONNX model needs: varints and length-delimited fields. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto raw(int field, byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    Proto string(int field, String value) {
      return raw(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto value) {
      return raw(field, value.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
