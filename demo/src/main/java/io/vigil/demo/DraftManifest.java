package io.vigil.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.inference.bundle.BundleJson;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Decision;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Pccp;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.ManifestCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.TreeMap;

/** The manifest of the demonstration bundle, without the files table that the builder adds. */
final class DraftManifest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String MODEL_ID = "wdbc-malignancy";
  static final String PCCP_ID = "PCCP-DEMO-WDBC-001";
  static final String SUBGROUP = "all";

  /**
   * The floors the PCCP sets for future releases, unless the initial release itself measured less;
   * a later release that measures less is not built.
   */
  static final double AUC_FLOOR = 0.95;

  static final double SENSITIVITY_FLOOR = 0.90;
  static final double SPECIFICITY_FLOOR = 0.85;

  static final String INTENDED_USE =
      "Demonstration model trained on the public WDBC data set (Breast Cancer Wisconsin"
          + " (Diagnostic), UCI Machine Learning Repository, CC BY 4.0). It estimates the"
          + " probability that the 30 nuclear measurements of a fine-needle aspirate come from a"
          + " malignant mass, to demonstrate and test Vigil. It is NOT a cleared medical device"
          + " and is not for clinical use.";

  private DraftManifest() {}

  static Manifest of(WdbcData data, StratifiedSplit split, Qualification q, DemoRelease release) {
    int width = data.width();
    TensorSpec input =
        new TensorSpec(
            OnnxGraph.INPUT, "FP32", List.of(-1L, (long) width), FeatureCatalogue.describe(data));
    TensorSpec output = new TensorSpec(OnnxGraph.OUTPUT, "FP32", List.of(-1L, 1L), List.of());
    Confusion c = q.test();
    List<Metric> metrics =
        List.of(
            metric(release, "auc", q.auc().value(), q.auc().interval(), AUC_FLOOR),
            metric(
                release,
                "sensitivity",
                c.sensitivity(),
                c.sensitivityInterval(),
                SENSITIVITY_FLOOR),
            metric(
                release,
                "specificity",
                c.specificity(),
                c.specificityInterval(),
                SPECIFICITY_FLOOR));
    String dataset =
        "WDBC (UCI, CC BY 4.0), wdbc.csv sha256 "
            + data.sha256()
            + ", test split: "
            + split.test().size()
            + " rows of a stratified 60/20/20 split with seed "
            + split.seed();
    return new Manifest(
        MODEL_ID,
        release.version(),
        release.release(),
        Manifest.PLATFORM_ONNX,
        INTENDED_USE,
        true,
        new Pccp(PCCP_ID, release.modification()),
        List.of(input),
        List.of(output),
        new Decision(OnnxGraph.OUTPUT, WdbcData.MALIGNANT, q.threshold()),
        new Performance(dataset, metrics),
        Manifest.Safety.DEFAULT,
        new TreeMap<>());
  }

  /**
   * The draft as JSON: the manifest's own encoding without its {@code files} table, which {@link
   * ManifestCodec#parseDraft} wants absent rather than empty.
   */
  static byte[] json(Manifest draft) {
    try {
      ObjectNode tree = (ObjectNode) MAPPER.readTree(ManifestCodec.write(draft));
      tree.remove("files");
      return BundleJson.writeArraysIndented(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot re-read the manifest just written", e);
    }
  }

  private static Metric metric(
      DemoRelease release, String name, double value, Interval ci, double pccpFloor) {
    if (release.certified().isPresent() && value < pccpFloor) {
      throw new IllegalStateException(
          MODEL_ID
              + " "
              + release.version()
              + " measured "
              + name
              + " "
              + value
              + " on the test split, below the PCCP's floor "
              + pccpFloor
              + ": a release under the PCCP must meet the floors of the certified one");
    }
    return new Metric(name, SUBGROUP, value, ci.low(), ci.high(), floor(value, pccpFloor));
  }

  /** The PCCP's floor, or the measured value rounded down to 0.05 where that is lower. */
  static double floor(double measured, double pccpFloor) {
    if (measured >= pccpFloor) {
      return pccpFloor;
    }
    return BigDecimal.valueOf(measured)
        .multiply(BigDecimal.valueOf(20))
        .setScale(0, RoundingMode.FLOOR)
        .divide(BigDecimal.valueOf(20))
        .doubleValue();
  }
}
