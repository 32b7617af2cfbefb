package io.vigil.demo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

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
  private static final String BATCH = "batch";

  private OnnxGraph() {}

  static byte[] write(LogisticModel model) {
    int width = model.weights().length;
    TensorProto.Builder weights =
        TensorProto.newBuilder()
            .setName("W")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(width)
            .addDims(1);
    for (double w : model.weights()) {
      weights.addFloatData((float) w);
    }
    TensorProto bias =
        TensorProto.newBuilder()
            .setName("B")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(1)
            .addFloatData((float) model.bias())
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("wdbc_malignancy")
            .addInput(floatMatrix(INPUT, width))
            .addOutput(floatMatrix(OUTPUT, 1))
            .addInitializer(weights)
            .addInitializer(bias)
            .addNode(node("MatMul", "matmul", INPUT, "W", "logit_without_bias"))
            .addNode(node("Add", "add_bias", "logit_without_bias", "B", "logit"))
            .addNode(node("Sigmoid", "sigmoid", "logit", null, OUTPUT))
            .build();
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName(PRODUCER)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static NodeProto node(String op, String name, String a, String b, String out) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addInput(a);
    if (b != null) {
      node.addInput(b);
    }
    return node.addOutput(out).build();
  }

  /** A float tensor of shape [batch, columns]. */
  private static ValueInfoProto floatMatrix(String name, int columns) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT_VALUE)
                    .setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
