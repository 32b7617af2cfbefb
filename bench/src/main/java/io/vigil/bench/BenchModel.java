package io.vigil.bench;

import io.vigil.gateway.Gateway;
import io.vigil.inference.Bundle;
import io.vigil.inference.BundleWriter;
import io.vigil.inference.Manifest;
import io.vigil.inference.Manifest.Decision;
import io.vigil.inference.Manifest.Feature;
import io.vigil.inference.Manifest.Pccp;
import io.vigil.inference.Manifest.Performance;
import io.vigil.inference.Manifest.Safety;
import io.vigil.inference.Manifest.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** The two models the benchmark serves, each with its bundle, one input row and a request body. */
public enum BenchModel {
  /** The shipped WDBC demonstration model: tiny, so HTTP dominates. */
  DEMO("wdbc-malignancy", "features"),
  /** The benchmark-only 1-D conv network, about 1 ms per row: the batcher's workload. */
  CONV(ConvBundle.MODEL_ID, ConvModel.INPUT);

  // A malignant sample of the WDBC data set, in the order of the demo manifest's features.
  private static final float[] WDBC_ROW = {
    17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f, 1.095f,
    0.9053f, 8.589f, 153.4f, 0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f, 25.38f,
    17.33f, 184.6f, 2019f, 0.1622f, 0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f
  };

  private final String modelId;
  private final String input;

  BenchModel(String modelId, String input) {
    this.modelId = modelId;
    this.input = input;
  }

  /** The model id in the OIP path. */
  public String modelId() {
    return modelId;
  }

  /** The verified bundle. */
  public Bundle bundle() {
    return this == DEMO
        ? Gateway.demoBundle().orElseThrow(() -> new IllegalStateException("no demo bundle"))
        : ConvBundle.bundle(ConvModel.DEFAULT);
  }

  /** One input row (all the model's single input takes). */
  public float[] row() {
    if (this == DEMO) {
      return WDBC_ROW.clone();
    }
    float[] signal = new float[ConvModel.SIGNAL_LENGTH];
    for (int i = 0; i < signal.length; i++) {
      signal[i] = (float) (Math.sin(2 * Math.PI * i / 50.0) + 0.1 * Math.sin(i));
    }
    return signal;
  }

  /** The path of the infer endpoint. */
  public String inferPath() {
    return "/v2/models/" + modelId + "/infer";
  }

  /** An OIP v2 infer request body for one row. */
  public String requestBody() {
    float[] row = row();
    StringJoiner data = new StringJoiner(",", "[", "]");
    for (float v : row) {
      data.add(Float.toString(v));
    }
    return String.format(
        Locale.ROOT,
        "{\"id\":\"bench\",\"inputs\":[{\"name\":\"%s\",\"datatype\":\"FP32\","
            + "\"shape\":[1,%d],\"data\":%s}]}",
        input,
        row.length,
        data);
  }

  /** Builds the bundle of the benchmark-only conv model. */
  static final class ConvBundle {
    static final String MODEL_ID = "bench-conv1d";

    private ConvBundle() {}

    static Bundle bundle(ConvModel shape) {
      List<Feature> samples = new ArrayList<>();
      for (int i = 0; i < ConvModel.SIGNAL_LENGTH; i++) {
        samples.add(new Feature(String.format(Locale.ROOT, "s%03d", i), "mV", -10, 10, true));
      }
      Manifest draft =
          new Manifest(
              MODEL_ID,
              "1.0.0",
              1,
              Manifest.PLATFORM_ONNX,
              "Benchmark model with random weights, used only to measure Vigil's batcher; its"
                  + " output means nothing. Not a medical model: never offer it as one.",
              true,
              new Pccp("PCCP-BENCH-0", "none"),
              List.of(
                  new TensorSpec(
                      ConvModel.INPUT,
                      "FP32",
                      List.of(-1L, (long) ConvModel.SIGNAL_LENGTH),
                      samples)),
              List.of(new TensorSpec(ConvModel.OUTPUT, "FP32", List.of(-1L, 1L), List.of())),
              new Decision(ConvModel.OUTPUT, "none", 0.5),
              new Performance("none: random weights", List.of()),
              Safety.DEFAULT,
              new TreeMap<>());
      Map<String, byte[]> files = new TreeMap<>();
      files.put(Bundle.MODEL, shape.onnx());
      files.put(
          "evidence/report.md",
          ("# bench-conv1d\n\nA benchmark workload with random weights (channels "
                  + shape.channels()
                  + ", layers "
                  + shape.layers()
                  + ", kernel "
                  + shape.kernel()
                  + "). No evidence: it is not a medical model.\n")
              .getBytes(StandardCharsets.UTF_8));
      return BundleWriter.write(draft, files);
    }
  }
}
