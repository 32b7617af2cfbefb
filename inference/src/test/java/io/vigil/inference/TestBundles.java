package io.vigil.inference;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Decision;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Pccp;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.Safety;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Real bundles for tests: a tiny logistic model with a manifest, evidence and golden vectors. */
public final class TestBundles {

  /** The weights of the test model. */
  public static final float[] WEIGHTS = {0.5f, -0.25f, 1.0f};

  /** The bias of the test model. */
  public static final float BIAS = -0.1f;

  private TestBundles() {}

  /** The test model's answer for one row, computed in Java. */
  public static float expected(float[] row) {
    double z = BIAS;
    for (int i = 0; i < WEIGHTS.length; i++) {
      z += (double) WEIGHTS[i] * row[i];
    }
    return (float) (1 / (1 + Math.exp(-z)));
  }

  /** A draft manifest (no files) for model {@code modelId}, version and release as given. */
  public static Manifest manifest(String modelId, String version, long release) {
    return manifest(modelId, version, release, true);
  }

  /** As {@link #manifest(String, String, long)}, marked as a demonstration bundle or not. */
  public static Manifest manifest(String modelId, String version, long release, boolean demo) {
    List<Feature> features = new ArrayList<>();
    for (int i = 0; i < WEIGHTS.length; i++) {
      features.add(new Feature("f" + i, "mmol/L", -100, 100, true));
    }
    return new Manifest(
        modelId,
        version,
        release,
        Manifest.PLATFORM_ONNX,
        "Test model for Vigil's own tests; not a medical device.",
        demo,
        new Pccp("PCCP-TEST-1", "initial-release"),
        List.of(new TensorSpec("x", "FP32", List.of(-1L, (long) WEIGHTS.length), features)),
        List.of(new TensorSpec("p", "FP32", List.of(-1L, 1L), List.of())),
        new Decision("p", "positive", 0.5),
        new Performance("synthetic", List.of(new Metric("auc", "all", 0.9, 0.85, 0.95, 0.8))),
        Safety.DEFAULT,
        new TreeMap<>());
  }

  /** The files of a valid bundle: the model, evidence and golden vectors that match the model. */
  public static Map<String, byte[]> files() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put(Bundle.MODEL, TinyOnnx.logistic("x", "p", WEIGHTS, BIAS));
    float[] row = {1, 2, 3};
    files.put(
        "evidence/golden-vectors.json",
        ("{\"tolerance\": 1.0E-5, \"vectors\": [{\"id\": 1, \"inputs\": {\"x\": [1.0, 2.0, 3.0]}, \"outputs\": {\"p\": ["
                + expected(row)
                + "]}}]}")
            .getBytes(StandardCharsets.UTF_8));
    files.put("evidence/report.md", "# Test evidence\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /** A valid, verified bundle. */
  public static Bundle bundle(String modelId, String version, long release) {
    return BundleWriter.write(manifest(modelId, version, release), files());
  }

  /**
   * A valid bundle that is not marked as a demonstration: what a manufacturer ships to patients.
   */
  public static Bundle clinicalBundle(String modelId, String version, long release) {
    return BundleWriter.write(manifest(modelId, version, release, false), files());
  }

  /**
   * A bundle of model {@code slow-model} whose run takes about a millisecond per row here: for
   * tests of full queues and of draining on shutdown.
   */
  public static Bundle slowBundle() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put(Bundle.MODEL, TinyOnnx.deep(512, 16));
    files.put(
        "evidence/report.md",
        "# Slow test model, no golden vectors\n".getBytes(StandardCharsets.UTF_8));
    Manifest m = manifest("slow-model", "1.0.0", 1);
    return BundleWriter.write(m, files);
  }

  /**
   * A valid bundle whose model passes its golden vectors and answers one row like {@link #bundle},
   * but fails in ONNX Runtime for a request of two rows or more, which its manifest allows: for
   * tests of a model that fails at run time.
   */
  public static Bundle failingBundle(String modelId) {
    Map<String, byte[]> files = files();
    files.put(Bundle.MODEL, TinyOnnx.failsOnMoreThanOneRow(WEIGHTS, BIAS));
    return BundleWriter.write(manifest(modelId, "1.0.0", 1), files);
  }

  /** A valid, verified bundle of model {@code test-model} 1.0.0. */
  public static Bundle bundle() {
    return bundle("test-model", "1.0.0", 1);
  }
}
