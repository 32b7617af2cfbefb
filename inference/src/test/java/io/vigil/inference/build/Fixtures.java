package io.vigil.inference.build;

import io.vigil.inference.TinyOnnx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The inputs of a bundle build, written into a folder: model, draft manifest, data, evidence. */
final class Fixtures {

  static final float[] W = {0.1f, -0.05f, 0.02f};
  static final float B = -1f;

  static final String DRAFT_MANIFEST =
      """
      {
        "model_id": "tiny-risk",
        "version": "1.0.0",
        "release": 1,
        "platform": "onnx_onnxv1",
        "intended_use": "Test model for Vigil's own tests; not for clinical use.",
        "demo": true,
        "pccp": {"id": "PCCP-TEST-1", "modification": "retraining on new data"},
        "inputs": [{
          "name": "x", "datatype": "FP32", "shape": [-1, 3],
          "features": [
            {"name": "a", "unit": "mm", "min": 0, "max": 100, "required": true},
            {"name": "b", "unit": "mmol/L", "min": 0, "max": 50, "required": true},
            {"name": "c", "unit": "1", "min": -10, "max": 10, "required": false}
          ]
        }],
        "outputs": [{"name": "p", "datatype": "FP32", "shape": [-1, 1]}],
        "decision": {"output": "p", "positive_label": "high", "threshold": 0.5},
        "performance": {
          "dataset": "tiny-validation",
          "metrics": [{"name": "auc", "subgroup": "all", "value": 0.9, "ci_low": 0.8,
                       "ci_high": 0.95, "floor": 0.75}]
        }
      }
      """;

  static final String EVIDENCE_JSON =
      """
      {
        "dataset": {"sha256": "89ae7d94", "split": "validation"},
        "metrics": {"auc": {"value": 0.91, "ci_low": 0.85, "ci_high": 0.96}, "sensitivity": 0.88},
        "confusion": {"tp": 40, "fp": 5, "tn": 60, "fn": 9},
        "roc": [[0, 0], [1, 1]]
      }
      """;

  final Path dir;
  final Path onnx;
  final Path manifest;
  final Path csv;
  final Path evidence;
  final Path out;

  Fixtures(Path dir) throws IOException {
    this.dir = dir;
    this.onnx = dir.resolve("model.onnx");
    this.manifest = dir.resolve("draft-manifest.json");
    this.csv = dir.resolve("reference.csv");
    this.evidence = dir.resolve("evidence");
    this.out = dir.resolve("dist/tiny-risk-1.0.0.vbundle");
    Files.write(onnx, TinyOnnx.logistic("x", "p", W, B));
    Files.writeString(manifest, DRAFT_MANIFEST);
    Files.writeString(csv, referenceCsv());
    Files.createDirectories(evidence.resolve("report"));
    Files.writeString(evidence.resolve("evidence.json"), EVIDENCE_JSON);
    Files.writeString(evidence.resolve("report/qualification.md"), "# Qualification\n");
  }

  /** 30 rows: id first, the features out of manifest order, a label last, two missing cells. */
  static String referenceCsv() {
    StringBuilder csv = new StringBuilder("id,c,a,b,diagnosis\n");
    for (int i = 1; i <= 30; i++) {
      String c = (i == 7 || i == 19) ? "" : String.format(Locale.ROOT, "%.1f", (i % 9) - 4.0);
      csv.append(i)
          .append(',')
          .append(c)
          .append(',')
          .append(i * 3)
          .append(',')
          .append(String.format(Locale.ROOT, "%.2f", 1 + (i * 7 % 40) / 2.0))
          .append(',')
          .append(i % 3 == 0 ? "high" : "low")
          .append('\n');
    }
    return csv.toString();
  }

  /** What the tiny model computes, in double precision. */
  static double expectedScore(float a, float b, float c) {
    double z = a * (double) W[0] + b * (double) W[1] + c * (double) W[2] + B;
    return 1 / (1 + Math.exp(-z));
  }

  void writeGoldenVectors(float[] input, double expected) throws IOException {
    String json =
        String.format(
            Locale.ROOT,
            "{\"tolerance\": 1e-5, \"vectors\": [{\"inputs\": {\"x\": [%s, %s, %s]},"
                + " \"outputs\": {\"p\": [%s]}}]}\n",
            input[0],
            input[1],
            input[2],
            expected);
    Files.write(evidence.resolve("golden-vectors.json"), json.getBytes(StandardCharsets.UTF_8));
  }

  String build() {
    return BundleBuilder.build(onnx, manifest, csv, evidence, out);
  }
}
