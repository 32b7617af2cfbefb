package io.vigil.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Scenario A: ONNX Runtime in this process, no HTTP. Times {@link OnnxModel#run} with a reused
 * {@link OnnxModel.Scratch} (what the batcher does) and plain {@code ai.onnxruntime} with a reused
 * direct input tensor and a pinned output (the floor the Java API allows).
 */
final class OrtFloor {

  /** How one call is made. */
  enum Api {
    ONNX_MODEL,
    PLAIN_ORT
  }

  private final Duration warmUp;
  private final Duration measure;

  OrtFloor(Duration warmUp, Duration measure) {
    this.warmUp = warmUp;
    this.measure = measure;
  }

  /** Measures every combination of API, intra-op threads (1, 2) and batch (1, 32) for a model. */
  List<Row> measure(BenchModel model) {
    return measure(model.key(), model.bundle(), model.row());
  }

  /**
   * Measures every combination for the model of {@code bundle}, fed {@code row} in every row of the
   * batch; the rows' ids start {@code A/key/}.
   */
  List<Row> measure(String key, Bundle bundle, float[] row) {
    List<Row> rows = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      for (int batch : new int[] {1, 32}) {
        for (Api api : Api.values()) {
          Histogram nanos =
              api == Api.ONNX_MODEL
                  ? viaOnnxModel(bundle, row, threads, batch)
                  : viaPlainOrt(bundle, row, threads, batch);
          rows.add(row(key, bundle.manifest().modelId(), api, threads, batch, nanos));
        }
      }
    }
    return rows;
  }

  /** The row id that {@link #measure} gives a combination. */
  static String id(BenchModel model, Api api, int threads, int batch) {
    return id(model.key(), api, threads, batch);
  }

  /** The row id that {@link #measure(String, Bundle, float[])} gives a combination. */
  static String id(String key, Api api, int threads, int batch) {
    return "A/" + key + "/" + api.name().toLowerCase(Locale.ROOT) + "/t" + threads + "/b" + batch;
  }

  private Row row(String key, String modelId, Api api, int threads, int batch, Histogram nanos) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("calls", (double) nanos.getTotalCount());
    m.put("us_per_call_p50", nanos.getValueAtPercentile(50) / 1e3);
    m.put("us_per_call_p99", nanos.getValueAtPercentile(99) / 1e3);
    m.put("us_per_call_mean", nanos.getMean() / 1e3);
    m.put("us_per_row", nanos.getMean() / 1e3 / batch);
    // The median call is the one no other process preempted: the model's CPU cost per row.
    m.put("us_per_row_p50", nanos.getValueAtPercentile(50) / 1e3 / batch);
    return Row.of(
        id(key, api, threads, batch),
        modelId
            + ", "
            + (api == Api.ONNX_MODEL ? "OnnxModel+Scratch" : "plain ORT, pinned output")
            + ", "
            + threads
            + " intra-op thread(s), batch "
            + batch,
        m);
  }

  private Histogram viaOnnxModel(Bundle bundle, float[] row, int threads, int batch) {
    try (OnnxModel model = OnnxModel.load(bundle, new RuntimeOptions(threads, false))) {
      OnnxModel.Scratch scratch = model.scratch(batch);
      for (int r = 0; r < batch; r++) {
        scratch.put(0, r, row, row.length);
      }
      return time(() -> model.run(scratch, batch));
    }
  }

  private Histogram viaPlainOrt(Bundle bundle, float[] row, int threads, int batch) {
    TensorSpec in = bundle.manifest().inputs().get(0);
    TensorSpec out = bundle.manifest().outputs().get(0);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(threads);
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      FloatBuffer input = direct(batch * row.length);
      for (int r = 0; r < batch; r++) {
        input.put(row);
      }
      input.flip();
      try (OrtSession session = env.createSession(bundle.file(Bundle.MODEL).orElseThrow(), so);
          OnnxTensor x = OnnxTensor.createTensor(env, input, new long[] {batch, row.length});
          OnnxTensor y =
              OnnxTensor.createTensor(
                  env, direct(batch * out.rowWidth()), new long[] {batch, out.rowWidth()})) {
        Map<String, OnnxTensor> feed = Map.of(in.name(), x);
        Map<String, OnnxTensor> pinned = Map.of(out.name(), y);
        return time(
            () -> {
              try (OrtSession.Result r = session.run(feed, pinned)) {
                return r;
              } catch (OrtException e) {
                throw new IllegalStateException(e);
              }
            });
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private Histogram time(Call call) {
    long end = System.nanoTime() + warmUp.toNanos();
    while (System.nanoTime() < end) {
      call.run();
    }
    Histogram h = new Histogram(3);
    end = System.nanoTime() + measure.toNanos();
    long now = System.nanoTime();
    while (now < end) {
      call.run();
      long after = System.nanoTime();
      h.recordValue(after - now);
      now = after;
    }
    return h;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  private interface Call {
    Object run();
  }
}
