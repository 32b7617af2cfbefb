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
import java.util.SplittableRandom;

/**
 * A 1-D convolutional network over a signal of {@link #SIGNAL_LENGTH} samples, with fixed
 * pseudo-random weights: a benchmark workload that costs about a millisecond per row here.
 *
 * <p>Graph: {@code signal [N, 250]} → reshape {@code [N, 1, 250]} → {@code layers} × (Conv k=7,
 * same padding, then Relu) → GlobalAveragePool → Flatten → Gemm → Sigmoid → {@code probability [N,
 * 1]}.
 */
public record ConvModel(int channels, int layers, int kernel) {

  /** Samples per row. */
  public static final int SIGNAL_LENGTH = 250;

  /** The input tensor's name. */
  public static final String INPUT = "signal";

  /** The output tensor's name. */
  public static final String OUTPUT = "probability";

  /** The shape tuned on the benchmark machine for about 1 ms per row with one intra-op thread. */
  public static final ConvModel DEFAULT = new ConvModel(64, 12, 7);

  private static final long SEED = 20260101L;
  private static final int OPSET = 13;

  public ConvModel {
    if (channels < 1) {
      throw new IllegalArgumentException("channels < 1");
    }
    if (layers < 1) {
      throw new IllegalArgumentException("layers < 1");
    }
    if (kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException("kernel must be odd and positive");
    }
  }

  /** Multiply-accumulates per row: the convolutions dominate. */
  public long macsPerRow() {
    long first = (long) SIGNAL_LENGTH * channels * kernel;
    long rest = (long) SIGNAL_LENGTH * channels * channels * kernel * (layers - 1);
    return first + rest + channels;
  }

  /** The serialized ONNX model; the same bytes for the same shape. */
  public byte[] onnx() {
    SplittableRandom random = new SplittableRandom(SEED);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("bench-conv1d");
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName("shape3")
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addDims(3)
            .addInt64Data(-1)
            .addInt64Data(1)
            .addInt64Data(SIGNAL_LENGTH));
    graph.addNode(node("Reshape", "x0", INPUT, "shape3"));
    String previous = "x0";
    int in = 1;
    for (int l = 1; l <= layers; l++) {
      String w = "conv" + l + "_w";
      String b = "conv" + l + "_b";
      graph.addInitializer(floats(w, random, Math.sqrt(2.0 / (in * kernel)), channels, in, kernel));
      graph.addInitializer(floats(b, random, 0.01, channels));
      graph.addNode(
          node("Conv", "c" + l, previous, w, b).toBuilder()
              .addAttribute(ints("kernel_shape", kernel))
              .addAttribute(ints("pads", kernel / 2, kernel / 2))
              .addAttribute(ints("strides", 1))
              .build());
      graph.addNode(node("Relu", "r" + l, "c" + l));
      previous = "r" + l;
      in = channels;
    }
    graph.addNode(node("GlobalAveragePool", "pooled", previous));
    graph.addNode(node("Flatten", "flat", "pooled"));
    graph.addInitializer(floats("head_w", random, 1.0 / Math.sqrt(channels), channels, 1));
    graph.addInitializer(floats("head_b", random, 0.01, 1));
    graph.addNode(node("Gemm", "logit", "flat", "head_w", "head_b"));
    graph.addNode(node("Sigmoid", OUTPUT, "logit"));
    graph.addInput(valueInfo(INPUT, SIGNAL_LENGTH));
    graph.addOutput(valueInfo(OUTPUT, 1));
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("vigil-bench")
        .setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .build()
        .toByteArray();
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output);
    for (String input : inputs) {
      n.addInput(input);
    }
    return n.addOutput(output).build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static TensorProto floats(
      String name, SplittableRandom random, double scale, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    long count = 1;
    for (long d : dims) {
      t.addDims(d);
      count *= d;
    }
    for (long i = 0; i < count; i++) {
      t.addFloatData((float) (random.nextDouble(-1, 1) * scale));
    }
    return t.build();
  }

  private static ValueInfoProto valueInfo(String name, long width) {
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
}
