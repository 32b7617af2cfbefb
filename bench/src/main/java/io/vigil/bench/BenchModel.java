package io.vigil.bench;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.simulate.TestSplit;
import io.vigil.inference.bundle.Bundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The models the benchmark serves, each with its bundle, one input row and the request bodies its
 * load sends.
 */
enum BenchModel {
  /** The shipped WDBC demonstration model: tiny, so HTTP dominates. */
  DEMO("wdbc-malignancy", "features"),
  /**
   * The benchmark-only 1-D conv network, about 1 ms per row at batch 1 and at batch 32 alike: the
   * batcher's context.
   */
  CONV(ConvModel.DEFAULT),
  /**
   * The benchmark-only dense network, about 1 ms per row at batch 1 and a fraction of that per row
   * at batch 32: the batcher's target workload.
   */
  MLP(MlpModel.DEFAULT),
  /**
   * The benchmark-only imaging-sized model: {@value ImageModel#LENGTH} float32 values per row, one
   * dense logit over them, so that carrying the input costs more than running the model.
   */
  IMAGE(ImageModel.DEFAULT);

  // A malignant sample of the WDBC data set, in the order of the demo manifest's features.
  private static final float[] WDBC_ROW = {
    17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f, 1.095f,
    0.9053f, 8.589f, 153.4f, 0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f, 25.38f,
    17.33f, 184.6f, 2019f, 0.1622f, 0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f
  };

  private final String modelId;
  private final String input;
  private final SignalModel signal;

  BenchModel(String modelId, String input) {
    this.modelId = modelId;
    this.input = input;
    this.signal = null;
  }

  BenchModel(SignalModel signal) {
    this.modelId = signal.modelId();
    this.input = SignalModel.INPUT;
    this.signal = signal;
  }

  /** Its short name in row ids: {@code demo}, {@code conv}, {@code mlp}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The model id in the OIP path. */
  public String modelId() {
    return modelId;
  }

  /** The verified bundle. */
  public Bundle bundle() {
    return signal == null
        ? Gateway.demoBundle().orElseThrow(() -> new IllegalStateException("no demo bundle"))
        : SignalBundle.bundle(signal);
  }

  /** One input row (all the model's single input takes). */
  public float[] row() {
    return signal == null ? WDBC_ROW.clone() : SignalModel.signal(signal.length());
  }

  /** The path of the infer endpoint. */
  public String inferPath() {
    return "/v2/models/" + modelId + "/infer";
  }

  /**
   * The bodies the load sends in turn. The demo model's are the held-out test split's rows, as
   * {@code vigil simulate} sends them: its live monitoring compares windows of 500 rows with the
   * training split's profile, and one constant row reads as extreme drift that suspends the model
   * within the warm-up. A benchmark-only model has no reference profile: one body.
   */
  public List<String> requestBodies() {
    List<String> bodies = new ArrayList<>();
    for (float[] row : rows()) {
      bodies.add(signal != null ? requestBody() : requestBody("bench-" + bodies.size(), row));
    }
    return List.copyOf(bodies);
  }

  /**
   * The rows the load sends in turn: the held-out test split's for the demo model, {@link #row()}
   * alone for a benchmark-only model (see {@link #requestBodies()}).
   */
  List<float[]> rows() {
    if (signal != null) {
      return List.of(row());
    }
    List<float[]> rows = new ArrayList<>();
    for (TestSplit.Row r : TestSplit.shipped().rows()) {
      double[] features = r.features();
      float[] row = new float[features.length];
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) features[j];
      }
      rows.add(row);
    }
    return List.copyOf(rows);
  }

  /** The name of the model's one input tensor. */
  String input() {
    return input;
  }

  /** An OIP v2 infer request body for {@link #row()}. */
  public String requestBody() {
    return requestBody("bench", row());
  }

  /** An OIP v2 infer request body, JSON, for {@code row} with request id {@code id}. */
  String requestBody(String id, float[] row) {
    StringJoiner data = new StringJoiner(",", "[", "]");
    for (float v : row) {
      data.add(Float.toString(v));
    }
    return String.format(
        Locale.ROOT,
        "{\"id\":\"%s\",\"inputs\":[{\"name\":\"%s\",\"datatype\":\"FP32\","
            + "\"shape\":[1,%d],\"data\":%s}]}",
        id,
        input,
        row.length,
        data);
  }
}
