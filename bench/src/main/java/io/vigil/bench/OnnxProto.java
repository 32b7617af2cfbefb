package io.vigil.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The pieces of an ONNX graph that the benchmark-only models share, built with {@code
 * ai.onnx.proto.OnnxMl} from tribuo-util-onnx: nodes, attributes, weight tensors and the model.
 */
final class OnnxProto {

  /** The ONNX opset the benchmark models import. */
  static final int OPSET = 13;

  private OnnxProto() {}

  /** A node named after its op and its one output. */
  static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output);
    for (String input : inputs) {
      n.addInput(input);
    }
    return n.addOutput(output).build();
  }

  /** An attribute holding integers. */
  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /**
   * {@code count} weights drawn uniformly from {@code [-scale, scale)}, in order from {@code
   * random}: the same seed gives the same weights.
   */
  static float[] uniform(SplittableRandom random, double scale, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble(-1, 1) * scale);
    }
    return values;
  }

  /** A float tensor of that shape, stored as little-endian raw data. */
  static TensorProto floats(String name, float[] values, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          name + ": " + values.length + " values for " + count + " elements");
    }
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(raw.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** An int64 tensor of one dimension. */
  static TensorProto longs(String name, long... values) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  /** A float tensor of shape {@code [batch, width]}, the batch dimension left free. */
  static ValueInfoProto rows(String name, long width) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
            .build();
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber())
                    .setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  /** The serialized model around {@code graph}. */
  static byte[] model(GraphProto.Builder graph) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("vigil-bench")
        .setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .build()
        .toByteArray();
  }
}
