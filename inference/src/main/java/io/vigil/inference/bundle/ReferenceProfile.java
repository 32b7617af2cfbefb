package io.vigil.inference.bundle;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The reference profile of a certified bundle ({@code reference-profile.json}): how every input
 * feature and the score are distributed on the manufacturer's held-out validation split, the
 * yardstick a gateway measures drift against.
 *
 * <p>Rules that the monitoring side must apply the same way:
 *
 * <ul>
 *   <li>Quantile at rank r (deciles, the 0.5 and 99.5 percentiles): the smallest value v of the
 *       data such that at least {@code ceil(r * n)} of the n values are {@code <= v}; no
 *       interpolation. This is DataSketches' {@code QuantileSearchCriteria.INCLUSIVE} rule,
 *       computed exactly from the data, not from the sketch.
 *   <li>Decile bins: with the 9 edges {@code e[0..8]}, bin i holds {@code e[i-1] < x <= e[i]}, bin
 *       0 holds {@code x <= e[0]}, bin 9 holds {@code x > e[8]} (see {@link
 *       Distribution#decileBin}). Tied edges leave bins empty; PSI must cope with empty bins.
 *   <li>Positive: {@code score >= threshold} (see {@link ScoreProfile#positive}).
 *   <li>All values are FP32, as the model sees them; missing values count towards the null rate
 *       only. The score is column 0 of the decision output, over the rows without a missing value.
 * </ul>
 *
 * <p>Reproducibility: equal data gives equal bytes as long as no KLL sketch compacts, that is for
 * up to {@link #KLL_K} values per column. Beyond that DataSketches 6.2.0 compacts with an unseeded
 * random generator that it does not let a caller seed, so the {@code kll} strings (only they) may
 * differ between builds; every other number is exact and reproducible.
 */
public record ReferenceProfile(long rows, List<FeatureProfile> features, ScoreProfile score) {

  /** The file name of the profile inside a bundle. */
  public static final String FILE = "reference-profile.json";

  /** The KLL sketch size: about 1.3% rank error at 99% confidence. */
  public static final int KLL_K = 200;

  /** The number of decile edges: the cut points at ranks 0.1 to 0.9. */
  public static final int DECILE_EDGES = 9;

  public ReferenceProfile {
    if (rows < 1) {
      throw new IllegalArgumentException("rows: expected at least 1, got " + rows);
    }
    features = List.copyOf(features);
    Objects.requireNonNull(score, "score");
    if (features.isEmpty()) {
      throw new IllegalArgumentException("features: expected at least one feature");
    }
    Set<String> names = new HashSet<>();
    for (FeatureProfile f : features) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("features: the feature " + f.name() + " appears twice");
      }
      if (f.values().count() > rows) {
        throw new IllegalArgumentException(
            "features: "
                + f.name()
                + " has "
                + f.values().count()
                + " values in "
                + rows
                + " rows");
      }
      double expected = (rows - f.values().count()) / (double) rows;
      if (Math.abs(f.nullRate() - expected) > 1e-9) {
        throw new IllegalArgumentException(
            "features: "
                + f.name()
                + ": null_rate is "
                + f.nullRate()
                + " but "
                + f.values().count()
                + " values in "
                + rows
                + " rows make it "
                + expected);
      }
    }
    if (score.values().count() > rows) {
      throw new IllegalArgumentException(
          "score: " + score.values().count() + " values in " + rows + " rows");
    }
  }

  /**
   * Profiles reference data and the scores the model gave its complete rows; {@code scores} holds
   * column 0 of output {@code scoreOutput} for every row without a missing value, in row order.
   */
  public static ReferenceProfile of(
      ReferenceData data, String scoreOutput, double threshold, float[] scores) {
    int rows = data.rows();
    List<FeatureProfile> features = new ArrayList<>();
    for (int f = 0; f < data.features().size(); f++) {
      String name = data.features().get(f);
      float[] present = present(data.column(f));
      if (present.length == 0) {
        throw new InferenceException(
            Code.REFERENCE_DATA_INVALID,
            "reference data " + data.source() + ": feature " + name + " has no values");
      }
      features.add(
          new FeatureProfile(
              name, (rows - present.length) / (double) rows, Distribution.of(present)));
    }
    if (scores.length == 0) {
      throw new InferenceException(
          Code.REFERENCE_DATA_INVALID,
          "reference data " + data.source() + ": no row has a value for every feature");
    }
    long positives = 0;
    for (float score : scores) {
      if (score >= threshold) {
        positives++;
      }
    }
    return new ReferenceProfile(
        rows,
        features,
        new ScoreProfile(
            scoreOutput, threshold, positives / (double) scores.length, Distribution.of(scores)));
  }

  /** The profile of the feature of that name, if there is one. */
  public Optional<FeatureProfile> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * Checks that this profile describes the features and decision of {@code manifest}: the same
   * feature names in the same order, the same score output and threshold.
   */
  public void requireMatches(Manifest manifest) {
    List<String> expected =
        manifest.inputs().stream()
            .flatMap(t -> t.features().stream())
            .map(Manifest.Feature::name)
            .toList();
    List<String> actual = features.stream().map(FeatureProfile::name).toList();
    if (!expected.equals(actual)) {
      throw new InferenceException(
          Code.PROFILE_INVALID,
          FILE + ": features are " + actual + " but the manifest declares " + expected);
    }
    if (!score.output().equals(manifest.decision().output())
        || score.threshold() != manifest.decision().threshold()) {
      throw new InferenceException(
          Code.PROFILE_INVALID,
          FILE
              + ": the score is output "
              + score.output()
              + " at threshold "
              + score.threshold()
              + " but the manifest decides on output "
              + manifest.decision().output()
              + " at threshold "
              + manifest.decision().threshold());
    }
  }

  private static float[] present(float[] column) {
    float[] present = new float[column.length];
    int n = 0;
    for (float v : column) {
      if (!Float.isNaN(v)) {
        present[n++] = v;
      }
    }
    return Arrays.copyOf(present, n);
  }

  /** One input feature: its share of missing values and the distribution of the others. */
  public record FeatureProfile(String name, double nullRate, Distribution values) {
    public FeatureProfile {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(values, "values");
      if (!(nullRate >= 0 && nullRate <= 1)) {
        throw new IllegalArgumentException("null_rate: expected 0 to 1, got " + nullRate);
      }
    }
  }

  /**
   * The model's score (column 0 of the decision output): its distribution and the share of rows at
   * or above the operating threshold.
   */
  public record ScoreProfile(
      String output, double threshold, double positiveRate, Distribution values) {
    public ScoreProfile {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(values, "values");
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold: expected a finite number, got " + threshold);
      }
      if (!(positiveRate >= 0 && positiveRate <= 1)) {
        throw new IllegalArgumentException("positive_rate: expected 0 to 1, got " + positiveRate);
      }
    }

    /** Whether a score counts as positive: at or above the threshold. */
    public boolean positive(double score) {
      return score >= threshold;
    }
  }

  /**
   * The distribution of one column's values: exact order statistics, decile edges with the share of
   * values in each bin, and a KLL sketch (serialized, base64) for sketch-to-sketch tests.
   */
  public record Distribution(
      long count,
      float min,
      float p0_5,
      float p99_5,
      float max,
      List<Float> decileEdges,
      List<Double> decileProportions,
      String kll) {

    public Distribution {
      decileEdges = List.copyOf(decileEdges);
      decileProportions = List.copyOf(decileProportions);
      Objects.requireNonNull(kll, "kll");
      if (count < 1) {
        throw new IllegalArgumentException("count: expected at least 1, got " + count);
      }
      if (!(Float.isFinite(min)
          && Float.isFinite(max)
          && min <= p0_5
          && p0_5 <= p99_5
          && p99_5 <= max)) {
        throw new IllegalArgumentException(
            "expected finite min <= p0_5 <= p99_5 <= max, got " + List.of(min, p0_5, p99_5, max));
      }
      if (decileEdges.size() != DECILE_EDGES) {
        throw new IllegalArgumentException(
            "decile_edges: expected " + DECILE_EDGES + " edges, got " + decileEdges.size());
      }
      float previous = min;
      for (float edge : decileEdges) {
        if (!(edge >= previous && edge <= max)) {
          throw new IllegalArgumentException(
              "decile_edges: expected ascending edges from min to max, got " + decileEdges);
        }
        previous = edge;
      }
      if (decileProportions.size() != DECILE_EDGES + 1) {
        throw new IllegalArgumentException(
            "decile_proportions: expected "
                + (DECILE_EDGES + 1)
                + " proportions, got "
                + decileProportions.size());
      }
      double sum = 0;
      for (double p : decileProportions) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalArgumentException(
              "decile_proportions: expected proportions from 0 to 1, got " + decileProportions);
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException(
            "decile_proportions: expected a sum of 1, got " + sum + " from " + decileProportions);
      }
    }

    /** Profiles {@code values}, which must hold at least one value and no NaN. */
    public static Distribution of(float[] values) {
      if (values.length == 0) {
        throw new IllegalArgumentException("values is empty");
      }
      float[] sorted = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        // Adding 0 turns -0 into 0, so that the bytes do not depend on the sign of zero.
        sorted[i] = values[i] + 0.0f;
      }
      Arrays.sort(sorted);
      if (Float.isNaN(sorted[sorted.length - 1])) {
        throw new IllegalArgumentException("values holds NaN");
      }
      KllFloatsSketch sketch = KllFloatsSketch.newHeapInstance(KLL_K);
      // Sorted input makes the sketch's bytes depend on the values only, not on the row order.
      for (float v : sorted) {
        sketch.update(v);
      }
      float[] edgeArray = new float[DECILE_EDGES];
      List<Float> edges = new ArrayList<>();
      for (int i = 1; i <= DECILE_EDGES; i++) {
        edgeArray[i - 1] = quantile(sorted, i, 10);
        edges.add(edgeArray[i - 1]);
      }
      long[] counts = new long[DECILE_EDGES + 1];
      for (float v : sorted) {
        counts[decileBin(edgeArray, v)]++;
      }
      List<Double> proportions = new ArrayList<>();
      for (long c : counts) {
        proportions.add(c / (double) sorted.length);
      }
      return new Distribution(
          sorted.length,
          sorted[0],
          quantile(sorted, 5, 1000),
          quantile(sorted, 995, 1000),
          sorted[sorted.length - 1],
          edges,
          proportions,
          Base64.getEncoder().encodeToString(sketch.toByteArray()));
    }

    /**
     * The decile bin of {@code x}, 0 to 9: bin i holds {@code edges[i-1] < x <= edges[i]}, that is,
     * the number of edges below {@code x}.
     */
    public int decileBin(double x) {
      return decileBin(decileEdgeArray(), x);
    }

    /**
     * The decile edges as an array, for binning many values with {@link #decileBin(float[],
     * double)}.
     */
    public float[] decileEdgeArray() {
      float[] edges = new float[decileEdges.size()];
      for (int i = 0; i < edges.length; i++) {
        edges[i] = decileEdges.get(i);
      }
      return edges;
    }

    /** The decile bin of {@code x} among {@code edges}: the number of edges below {@code x}. */
    public static int decileBin(float[] edges, double x) {
      int below = 0;
      while (below < edges.length && edges[below] < x) {
        below++;
      }
      return below;
    }

    /** A fresh heap copy of the KLL sketch. */
    public KllFloatsSketch sketch() {
      return KllFloatsSketch.heapify(Memory.wrap(Base64.getDecoder().decode(kll)));
    }

    /** The INCLUSIVE quantile at rank {@code num / den}, in integer arithmetic. */
    private static float quantile(float[] sorted, long num, long den) {
      long naturalRank = Math.max(1, (num * sorted.length + den - 1) / den);
      return sorted[(int) naturalRank - 1];
    }
  }
}
