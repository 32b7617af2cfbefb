package io.vigil.onnxwriter;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds one ONNX graph and writes it with its model as protobuf bytes, the same bytes for the same
 * calls in the same order.
 */
public final class GraphWriter {

  /** The name of the symbolic first dimension of every input and output. */
  public static final String BATCH = "batch";

  private final String name;
  private final List<ValueInfoProto> inputs = new ArrayList<>();
  private final List<ValueInfoProto> outputs = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  private GraphWriter(String name) {
    this.name = name;
  }

  /** A writer for an empty graph called {@code name}. */
  public static GraphWriter create(String name) {
    return new GraphWriter(requireName(name, "graph name"));
  }

  /** Adds a float input of shape {@code [batch, columns]}. */
  public GraphWriter input(String name, long columns) {
    inputs.add(rows(name, columns));
    return this;
  }

  /** Adds a float output of shape {@code [batch, columns]}. */
  public GraphWriter output(String name, long columns) {
    outputs.add(rows(name, columns));
    return this;
  }

  /** Adds a float initializer of shape {@code dims}, its values stored as {@code float_data}. */
  public GraphWriter floatData(String name, float[] values, long... dims) {
    TensorProto.Builder tensor = floatTensor(name, values, dims);
    for (float v : values) {
      tensor.addFloatData(v);
    }
    initializers.add(tensor.build());
    return this;
  }

  /**
   * Adds a float initializer of shape {@code dims}, its values stored as little-endian {@code
   * raw_data}.
   */
  public GraphWriter rawData(String name, float[] values, long... dims) {
    TensorProto.Builder tensor = floatTensor(name, values, dims);
    ByteBuffer raw =
        ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    initializers.add(tensor.setRawData(ByteString.copyFrom(raw.array())).build());
    return this;
  }

  /** Adds a one-dimensional int64 initializer, its values stored as {@code int64_data}. */
  public GraphWriter int64Data(String name, long... values) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(requireName(name, "initializer name"))
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(values.length);
    for (long v : values) {
      tensor.addInt64Data(v);
    }
    initializers.add(tensor.build());
    return this;
  }

  /** Adds a node named {@code name} that runs {@code op}, to be given its inputs and outputs. */
  public Node node(String op, String name) {
    Node node = new Node(requireName(op, "op"), requireName(name, "node name"));
    nodes.add(node);
    return node;
  }

  /** The serialized model: this graph, its IR version, its default-domain opset and producer. */
  public byte[] write(long irVersion, long opset, String producer) {
    if (irVersion < 1) {
      throw new IllegalArgumentException("irVersion < 1");
    }
    if (opset < 1) {
      throw new IllegalArgumentException("opset < 1");
    }
    GraphProto.Builder graph = GraphProto.newBuilder().setName(name);
    for (Node node : nodes) {
      if (node.proto.getOutputCount() == 0) {
        throw new IllegalStateException("node " + node.proto.getName() + " has no outputs");
      }
      graph.addNode(node.proto.build());
    }
    graph.addAllInitializer(initializers).addAllInput(inputs).addAllOutput(outputs);
    return ModelProto.newBuilder()
        .setIrVersion(irVersion)
        .setProducerName(requireName(producer, "producer"))
        .setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .build()
        .toByteArray();
  }

  private static TensorProto.Builder floatTensor(String name, float[] values, long... dims) {
    requireName(name, "initializer name");
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": dimension " + d + " < 0");
      }
      count = Math.multiplyExact(count, d);
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          name + ": " + values.length + " values for " + count + " elements");
    }
    TensorProto.Builder tensor =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor;
  }

  private static ValueInfoProto rows(String name, long columns) {
    requireName(name, "tensor name");
    if (columns < 1) {
      throw new IllegalArgumentException(name + ": columns < 1");
    }
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

  private static String requireName(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return value;
  }

  /** One node of the graph; nodes are written in the order they were added. */
  public static final class Node {

    private final NodeProto.Builder proto;

    private Node(String op, String name) {
      this.proto = NodeProto.newBuilder().setOpType(op).setName(name);
    }

    /** Adds these inputs, in order; an empty name stands for an omitted optional input. */
    public Node inputs(String... names) {
      for (String input : names) {
        proto.addInput(Objects.requireNonNull(input, "input"));
      }
      return this;
    }

    /** Adds these outputs, in order. */
    public Node outputs(String... names) {
      for (String output : names) {
        proto.addOutput(requireName(output, "output"));
      }
      return this;
    }

    /** Adds an attribute holding one integer. */
    public Node attributeInt(String name, long value) {
      proto.addAttribute(attribute(name, AttributeProto.AttributeType.INT).setI(value).build());
      return this;
    }

    /** Adds an attribute holding integers. */
    public Node attributeInts(String name, long... values) {
      AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.INTS);
      for (long v : values) {
        attribute.addInts(v);
      }
      proto.addAttribute(attribute.build());
      return this;
    }

    /** Adds an attribute holding one float. */
    public Node attributeFloat(String name, float value) {
      proto.addAttribute(attribute(name, AttributeProto.AttributeType.FLOAT).setF(value).build());
      return this;
    }

    private static AttributeProto.Builder attribute(
        String name, AttributeProto.AttributeType type) {
      return AttributeProto.newBuilder().setName(requireName(name, "attribute name")).setType(type);
    }
  }
}
