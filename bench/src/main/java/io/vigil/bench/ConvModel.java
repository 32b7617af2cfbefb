package io.vigil.bench;

import static io.vigil.onnxwriter.Weights.uniform;

import io.vigil.onnxwriter.GraphWriter;
import java.util.SplittableRandom;

/**
 * A 1-D convolutional network over a signal of {@link #SIGNAL_LENGTH} samples, with fixed
 * pseudo-random weights: a benchmark workload that costs about a millisecond per row here, and
 * about as much per row at batch 32 (ONNX Runtime's Conv loops over the batch).
 *
 * <p>Graph: {@code signal [N, 250]} → reshape {@code [N, 1, 250]} → {@code layers} × (Conv k=7,
 * same padding, then Relu) → GlobalAveragePool → Flatten → Gemm → Sigmoid → {@code probability [N,
 * 1]}.
 */
record ConvModel(int channels, int layers, int kernel) implements SignalModel {

  /** The model id of the benchmark's conv model. */
  public static final String MODEL_ID = "bench-conv1d";

  /** The shape tuned on the benchmark machine for about 1 ms per row with one intra-op thread. */
  public static final ConvModel DEFAULT = new ConvModel(64, 12, 7);

  private static final long SEED = 20260101L;

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

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public String describe() {
    return "channels " + channels + ", layers " + layers + ", kernel " + kernel;
  }

  /** Multiply-accumulates per row: the convolutions dominate. */
  @Override
  public long macsPerRow() {
    long first = (long) SIGNAL_LENGTH * channels * kernel;
    long rest = (long) SIGNAL_LENGTH * channels * channels * kernel * (layers - 1);
    return first + rest + channels;
  }

  @Override
  public byte[] onnx() {
    SplittableRandom random = new SplittableRandom(SEED);
    GraphWriter graph =
        GraphWriter.create(MODEL_ID)
            .input(INPUT, SIGNAL_LENGTH)
            .output(OUTPUT, 1)
            .int64Data("shape3", -1, 1, SIGNAL_LENGTH);
    graph.node("Reshape", "Reshape_x0").inputs(INPUT, "shape3").outputs("x0");
    String previous = "x0";
    int in = 1;
    for (int l = 1; l <= layers; l++) {
      String w = "conv" + l + "_w";
      String b = "conv" + l + "_b";
      double scale = Math.sqrt(2.0 / (in * kernel));
      graph.rawData(w, uniform(random, scale, channels * in * kernel), channels, in, kernel);
      graph.rawData(b, uniform(random, 0.01, channels), channels);
      graph
          .node("Conv", "Conv_c" + l)
          .inputs(previous, w, b)
          .outputs("c" + l)
          .attributeInts("kernel_shape", kernel)
          .attributeInts("pads", kernel / 2, kernel / 2)
          .attributeInts("strides", 1);
      graph.node("Relu", "Relu_r" + l).inputs("c" + l).outputs("r" + l);
      previous = "r" + l;
      in = channels;
    }
    graph.node("GlobalAveragePool", "GlobalAveragePool_pooled").inputs(previous).outputs("pooled");
    graph.node("Flatten", "Flatten_flat").inputs("pooled").outputs("flat");
    graph.rawData("head_w", uniform(random, 1.0 / Math.sqrt(channels), channels), channels, 1);
    graph.rawData("head_b", uniform(random, 0.01, 1), 1);
    graph.node("Gemm", "Gemm_logit").inputs("flat", "head_w", "head_b").outputs("logit");
    graph.node("Sigmoid", "Sigmoid_" + OUTPUT).inputs("logit").outputs(OUTPUT);
    return graph.write(IR_VERSION, OPSET, PRODUCER);
  }
}
