package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.demo.WdbcData.Sample;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoBundleTest {

  private static final Path CSV = Path.of("data/wdbc.csv");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double Z = 1.959963984540054;

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "1.1.0"})
  void buildsTheSameBundleByteForByteEveryTime(
      String version, @TempDir Path first, @TempDir Path second) throws Exception {
    DemoRelease release = DemoRelease.of(version);
    Path a = first.resolve("out/wdbc.vbundle");
    Path b = second.resolve("out/wdbc.vbundle");

    String shaA = DemoBundle.build(CSV, first.resolve("work"), a, release);
    String shaB = DemoBundle.build(CSV, second.resolve("work"), b, release);

    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertEquals(shaA, shaB);
    assertEquals(WdbcData.sha256(Files.readAllBytes(a)), shaA);
    assertArrayEquals(
        BuiltBundle.bytes(version), Files.readAllBytes(a), "the bundle the build shipped");
    if (release.equals(DemoRelease.FIRST)) {
      assertArrayEquals(BuiltBundle.bytes(), Files.readAllBytes(a), "the bundle at the top");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "1.1.0"})
  void evidenceRecomputedFromTheTestSplitMatchesTheManifest(String version) throws Exception {
    Bundle bundle = BuiltBundle.read(version);
    Manifest manifest = bundle.manifest();
    JsonNode evidence = JSON.readTree(BuiltBundle.file(bundle, "evidence/evidence.json"));
    WdbcData data = WdbcData.load(CSV);

    // Given the test split re-derived from the CSV with the seed the evidence names,
    StratifiedSplit split = StratifiedSplit.of(data, evidence.at("/split/seed").asLong());
    assertEquals(ints(evidence.at("/split/test/ids")), split.test());
    assertEquals(data.sha256(), evidence.at("/dataset/sha256").asText());
    assertTrue(manifest.performance().dataset().contains(data.sha256()));

    // when the bundle's model.onnx scores it in ONNX Runtime,
    List<Sample> test = data.select(split.test());
    float[][] out = OrtRunner.run(BuiltBundle.file(bundle, "model.onnx"), rawFloats(test));
    List<Double> positives = new ArrayList<>();
    List<Double> negatives = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      (test.get(i).malignant() ? positives : negatives).add((double) out[i][0]);
    }

    // then AUC, sensitivity and specificity, recomputed here, are what the manifest claims.
    double threshold = manifest.decision().threshold();
    long tp = positives.stream().filter(p -> p >= threshold).count();
    long tn = negatives.stream().filter(p -> p < threshold).count();
    double[] auc = aucWithDeLongByMidranks(positives, negatives);
    assertEquals(pairCountingAuc(positives, negatives), auc[0], 1e-12);
    assertClaim(manifest, "auc", auc[0], auc[1], auc[2]);
    double[] sensitivity = wilson(tp, positives.size());
    assertClaim(
        manifest, "sensitivity", tp / (double) positives.size(), sensitivity[0], sensitivity[1]);
    double[] specificity = wilson(tn, negatives.size());
    assertClaim(
        manifest, "specificity", tn / (double) negatives.size(), specificity[0], specificity[1]);
    assertEquals(tp, evidence.at("/test/confusion_matrix/tp").asLong());
    assertEquals(positives.size() - tp, evidence.at("/test/confusion_matrix/fn").asLong());
    assertEquals(tn, evidence.at("/test/confusion_matrix/tn").asLong());
    assertEquals(negatives.size() - tn, evidence.at("/test/confusion_matrix/fp").asLong());
    assertEquals(threshold, evidence.at("/operating_threshold/value").asDouble());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "1.1.0"})
  void goldenVectorsReproduceWithOnnxRuntime(String version) throws Exception {
    Bundle bundle = BuiltBundle.read(version);
    JsonNode golden = JSON.readTree(BuiltBundle.file(bundle, "evidence/golden-vectors.json"));
    WdbcData data = WdbcData.load(CSV);
    List<Integer> testIds = StratifiedSplit.of(data, StratifiedSplit.SEED).test();
    double tolerance = golden.get("tolerance").asDouble();
    assertEquals(1e-5, tolerance);
    assertEquals(10, golden.get("vectors").size());

    int malignant = 0;
    for (JsonNode v : golden.get("vectors")) {
      Sample row = data.select(List.of(v.get("id").asInt())).get(0);
      assertTrue(testIds.contains(row.id()), "golden vector " + row.id() + " is a test row");
      malignant += row.malignant() ? 1 : 0;
      float[] inputs = floats(v.at("/inputs/features"));
      assertArrayEquals(row.featuresAsFloats(), inputs);

      // One row at a time, as a gateway that re-runs them might.
      float[][] out = OrtRunner.run(BuiltBundle.file(bundle, "model.onnx"), new float[][] {inputs});

      assertEquals(v.at("/outputs/probability/0").asDouble(), out[0][0], tolerance);
    }
    assertEquals(5, malignant);
  }

  @Test
  void bundleSaysItIsADemonstrationAndNamesItsData() {
    Bundle bundle = BuiltBundle.read();
    Manifest manifest = bundle.manifest();
    String report =
        new String(BuiltBundle.file(bundle, "evidence/evidence.md"), StandardCharsets.UTF_8);

    assertTrue(manifest.demo());
    assertTrue(manifest.intendedUse().contains("NOT a cleared medical device"));
    assertTrue(manifest.intendedUse().contains("CC BY 4.0"));
    assertTrue(report.contains("not a cleared medical device"));
    assertTrue(report.contains("DOI 10.24432/C5DW2B"));
    assertEquals(30, manifest.input("features").orElseThrow().features().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "1.1.0"})
  void gatewayLoaderAcceptsTheBundleAndItsGoldenVectors(String version) {
    // OnnxModel.load checks the graph against the manifest and re-runs the golden vectors.
    try (OnnxModel model = OnnxModel.load(BuiltBundle.read(version), RuntimeOptions.DEFAULT)) {
      assertEquals("wdbc-malignancy", model.manifest().modelId());
      assertEquals(version, model.manifest().version());
    }
  }

  private static void assertClaim(
      Manifest manifest, String name, double value, double low, double high) {
    Manifest.Metric claimed = manifest.performance().metric(name, "all").orElseThrow();
    assertEquals(value, claimed.value(), 1e-9, name);
    assertEquals(low, claimed.ciLow(), 1e-6, name + " ci_low");
    assertEquals(high, claimed.ciHigh(), 1e-6, name + " ci_high");
    assertTrue(claimed.value() >= claimed.floor(), name + " meets its own floor");
  }

  /** The share of (positive, negative) pairs the model orders rightly, a tie counting half. */
  private static double pairCountingAuc(List<Double> positives, List<Double> negatives) {
    double pairs = 0;
    for (double p : positives) {
      for (double n : negatives) {
        pairs += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    return pairs / (positives.size() * (double) negatives.size());
  }

  /** AUC and its DeLong 95% interval from midranks (Sun and Xu, 2014), clipped to [0, 1]. */
  private static double[] aucWithDeLongByMidranks(List<Double> positives, List<Double> negatives) {
    int m = positives.size();
    int n = negatives.size();
    List<Double> all = new ArrayList<>(positives);
    all.addAll(negatives);
    double[] rankAll = midranks(all);
    double[] rankPositives = midranks(positives);
    double[] rankNegatives = midranks(negatives);
    double[] v10 = new double[m];
    double[] v01 = new double[n];
    for (int i = 0; i < m; i++) {
      v10[i] = (rankAll[i] - rankPositives[i]) / n;
    }
    for (int j = 0; j < n; j++) {
      v01[j] = 1 - (rankAll[m + j] - rankNegatives[j]) / m;
    }
    double auc = Arrays.stream(v10).average().orElseThrow();
    double variance = variance(v10, auc) / m + variance(v01, auc) / n;
    double half = Z * Math.sqrt(variance);
    return new double[] {auc, Math.max(0, auc - half), Math.min(1, auc + half)};
  }

  private static double[] midranks(List<Double> values) {
    double[] ranks = new double[values.size()];
    for (int i = 0; i < ranks.length; i++) {
      int below = 0;
      int equal = 0;
      for (double other : values) {
        below += other < values.get(i) ? 1 : 0;
        equal += other == values.get(i) ? 1 : 0;
      }
      ranks[i] = below + (equal + 1) / 2.0;
    }
    return ranks;
  }

  private static double variance(double[] values, double mean) {
    return Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1);
  }

  /** Wilson's interval in its closed form: (2np + z^2 -/+ z sqrt(z^2 + 4np(1-p))) / 2(n + z^2). */
  private static double[] wilson(long successes, int trials) {
    double p = successes / (double) trials;
    double root = Z * Math.sqrt(Z * Z + 4 * trials * p * (1 - p));
    double denominator = 2 * (trials + Z * Z);
    double centre = 2 * trials * p + Z * Z;
    return new double[] {
      Math.max(0, (centre - root) / denominator), Math.min(1, (centre + root) / denominator)
    };
  }

  private static float[][] rawFloats(List<Sample> rows) {
    float[][] features = new float[rows.size()][];
    for (int i = 0; i < features.length; i++) {
      double[] raw = rows.get(i).features();
      features[i] = new float[raw.length];
      for (int j = 0; j < raw.length; j++) {
        features[i][j] = (float) raw[j];
      }
    }
    return features;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> ints = new ArrayList<>();
    array.forEach(n -> ints.add(n.asInt()));
    return ints;
  }

  private static float[] floats(JsonNode array) {
    float[] floats = new float[array.size()];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) array.get(i).asDouble();
    }
    return floats;
  }
}
