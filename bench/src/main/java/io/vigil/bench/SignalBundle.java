package io.vigil.bench;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import io.vigil.inference.bundle.GoldenVectors;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Decision;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Pccp;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.Safety;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.onnxwriter.Weights;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The bundle of a benchmark-only {@link SignalModel}: a manifest that marks it {@code demo} and
 * says it is never a medical model, one feature per sample with a plausible range of ±10 mV, the
 * model, a short evidence note and, where the model has a reference outside ONNX Runtime, golden
 * vectors that every load re-runs.
 */
final class SignalBundle {

  /** What every benchmark-only model is for, in its manifest. */
  static final String INTENDED_USE =
      "Benchmark model with random weights, used only to measure Vigil's batcher; its"
          + " output means nothing. Not a medical model: never offer it as one.";

  /**
   * How far ONNX Runtime's float32 probability may be from the reference's: sums of a few thousand
   * products in another order differ by about 1e-6 here.
   */
  static final double GOLDEN_TOLERANCE = 1e-4;

  /** The plausible range of every sample, in mV. */
  static final double SAMPLE_LIMIT = 10;

  private static final long GOLDEN_SEED = 20260102L;
  private static final int GOLDEN_RANDOM_ROWS = 2;

  private SignalBundle() {}

  /** The verified bundle, version 1.0.0. */
  static Bundle bundle(SignalModel model) {
    List<Feature> samples = new ArrayList<>();
    for (int i = 0; i < model.length(); i++) {
      samples.add(
          new Feature(
              String.format(Locale.ROOT, model.length() > 1000 ? "s%06d" : "s%03d", i),
              "mV",
              -SAMPLE_LIMIT,
              SAMPLE_LIMIT,
              true));
    }
    Manifest draft =
        new Manifest(
            model.modelId(),
            "1.0.0",
            1,
            Manifest.PLATFORM_ONNX,
            INTENDED_USE,
            true,
            new Pccp("PCCP-BENCH-0", "none"),
            List.of(
                new TensorSpec(
                    SignalModel.INPUT, "FP32", List.of(-1L, (long) model.length()), samples)),
            List.of(new TensorSpec(SignalModel.OUTPUT, "FP32", List.of(-1L, 1L), List.of())),
            new Decision(SignalModel.OUTPUT, "none", 0.5),
            new Performance("none: random weights", List.of()),
            Safety.DEFAULT,
            new TreeMap<>());
    Map<String, byte[]> files = new TreeMap<>();
    files.put(Bundle.MODEL, model.onnx());
    List<float[]> rows = goldenRows(model.length());
    Optional<float[]> expected = model.reference(rows);
    expected.ifPresent(p -> files.put(GoldenVectors.FILE, goldenVectors(rows, p)));
    files.put(
        "evidence/report.md",
        ("# "
                + model.modelId()
                + "\n\nA benchmark workload with random weights ("
                + model.describe()
                + ", "
                + model.macsPerRow()
                + " multiply-accumulates per row). No evidence: it is not a medical model."
                + (expected.isPresent()
                    ? " Its golden vectors come from a float64 reference outside ONNX Runtime.\n"
                    : "\n"))
            .getBytes(StandardCharsets.UTF_8));
    return BundleWriter.write(draft, files);
  }

  /** The rows of the golden vectors: the benchmark's signal and two seeded random ones. */
  static List<float[]> goldenRows() {
    return goldenRows(SignalModel.SIGNAL_LENGTH);
  }

  /** The same for a model of {@code length} values per row. */
  static List<float[]> goldenRows(int length) {
    List<float[]> rows = new ArrayList<>();
    rows.add(SignalModel.signal(length));
    SplittableRandom random = new SplittableRandom(GOLDEN_SEED);
    for (int r = 0; r < GOLDEN_RANDOM_ROWS; r++) {
      rows.add(Weights.uniform(random, 2, length));
    }
    return rows;
  }

  /** {@code evidence/golden-vectors.json}, in the inference module's format. */
  static byte[] goldenVectors(List<float[]> rows, float[] probabilities) {
    List<GoldenVectors.Vector> vectors = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      vectors.add(
          new GoldenVectors.Vector(
              r,
              Map.of(SignalModel.INPUT, rows.get(r)),
              Map.of(SignalModel.OUTPUT, new float[] {probabilities[r]})));
    }
    return new GoldenVectors(GOLDEN_TOLERANCE, vectors).toJson();
  }
}
