package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

class ReferenceProfileTest {

  @Test
  void cutsTwentyDistinctValuesIntoEqualDeciles() {
    // given 1..20
    float[] values = new float[20];
    for (int i = 0; i < 20; i++) {
      values[i] = 20 - i;
    }

    // when
    Distribution d = Distribution.of(values);

    // then the edge at rank i/10 is the 2i-th smallest value, and every bin holds 2 values
    assertEquals(List.of(2f, 4f, 6f, 8f, 10f, 12f, 14f, 16f, 18f), d.decileEdges());
    d.decileProportions().forEach(p -> assertEquals(0.1, p));
    assertEquals(20, d.count());
    assertEquals(1f, d.min());
    assertEquals(1f, d.p0_5());
    assertEquals(20f, d.p99_5());
    assertEquals(20f, d.max());
  }

  @Test
  void takesTheSmallestValueWhoseRankReachesTheQuantileWithoutInterpolation() {
    // given 7 values: rank 0.4 needs ceil(2.8) = 3 values, rank 0.5 needs ceil(3.5) = 4
    float[] values = {70, 10, 40, 30, 60, 20, 50};

    // when
    Distribution d = Distribution.of(values);

    // then
    assertEquals(List.of(10f, 20f, 30f, 30f, 40f, 50f, 50f, 60f, 70f), d.decileEdges());
    double s = 1 / 7.0;
    assertEquals(List.of(s, s, s, 0.0, s, s, 0.0, s, s, 0.0), d.decileProportions());
  }

  @Test
  void leavesBinsBetweenTiedEdgesEmpty() {
    // given six equal values and four distinct ones
    float[] values = {1, 1, 1, 1, 1, 1, 2, 3, 4, 5};

    // when
    Distribution d = Distribution.of(values);

    // then bin 0 (x <= 1) takes all six; bins 1 to 5 (1 < x <= 1) cannot hold anything
    assertEquals(List.of(1f, 1f, 1f, 1f, 1f, 1f, 2f, 3f, 4f), d.decileEdges());
    assertEquals(List.of(0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.1, 0.1, 0.1), d.decileProportions());
  }

  @Test
  void binsAValueOnAnEdgeIntoTheBinBelowIt() {
    // given edges 2, 4, ..., 18
    float[] values = new float[20];
    for (int i = 0; i < 20; i++) {
      values[i] = i + 1;
    }
    Distribution d = Distribution.of(values);

    // when / then: bin i holds edges[i-1] < x <= edges[i]
    assertEquals(0, d.decileBin(-100));
    assertEquals(0, d.decileBin(2));
    assertEquals(1, d.decileBin(2.0001));
    assertEquals(1, d.decileBin(4));
    assertEquals(8, d.decileBin(18));
    assertEquals(9, d.decileBin(18.5));
  }

  @Test
  void takesTheTailPercentilesFromTheExactData() {
    // given 1000 values 1..1000: rank 0.005 needs 5 values, rank 0.995 needs 995
    float[] values = new float[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }

    // when
    Distribution d = Distribution.of(values);

    // then exact, although the sketch compacted
    assertEquals(5f, d.p0_5());
    assertEquals(995f, d.p99_5());
    assertEquals(List.of(100f, 200f, 300f, 400f, 500f, 600f, 700f, 800f, 900f), d.decileEdges());
    assertTrue(d.sketch().isEstimationMode());
  }

  @Test
  void agreesWithTheSketchsInclusiveQuantilesWhileTheSketchIsExact() {
    // given up to KLL_K random values, so the sketch holds them all
    Random random = new Random(42);
    float[] values = new float[ReferenceProfile.KLL_K];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }

    // when
    Distribution d = Distribution.of(values);
    KllFloatsSketch sketch = d.sketch();

    // then the exact rule is DataSketches' INCLUSIVE rule
    assertEquals(values.length, sketch.getN());
    for (int i = 1; i <= 9; i++) {
      assertEquals(
          sketch.getQuantile(i / 10.0, QuantileSearchCriteria.INCLUSIVE),
          d.decileEdges().get(i - 1));
    }
    assertEquals(sketch.getQuantile(0.005, QuantileSearchCriteria.INCLUSIVE), d.p0_5());
    assertEquals(sketch.getQuantile(0.995, QuantileSearchCriteria.INCLUSIVE), d.p99_5());
  }

  @Test
  void givesTheSameSketchBytesForTheSameValuesInAnyOrder() {
    // given the same KLL_K values twice, in different orders
    float[] values = new float[ReferenceProfile.KLL_K];
    float[] reversed = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i * 37) % 101;
      reversed[values.length - 1 - i] = values[i];
    }

    // when / then
    assertEquals(Distribution.of(values), Distribution.of(reversed));
  }

  @Test
  void countsMissingValuesInTheNullRateOnly() {
    // given 4 rows, one feature missing in one row
    float nan = Float.NaN;
    ReferenceData data =
        ReferenceData.of(List.of("a", "b"), new float[][] {{1, 5}, {2, nan}, {3, 7}, {4, 8}});

    // when
    ReferenceProfile p = ReferenceProfile.of(data, "p", 0.5, new float[] {0.1f, 0.6f, 0.9f});

    // then
    assertEquals(4, p.rows());
    assertEquals(0.0, p.feature("a").orElseThrow().nullRate());
    assertEquals(0.25, p.feature("b").orElseThrow().nullRate());
    assertEquals(3, p.feature("b").orElseThrow().values().count());
    assertEquals(5f, p.feature("b").orElseThrow().values().min());
  }

  @Test
  void countsAScoreAtTheThresholdAsPositive() {
    // given four scores, one of them exactly on the threshold
    ReferenceData data = ReferenceData.of(List.of("a"), new float[][] {{1}, {2}, {3}, {4}});

    // when
    ReferenceProfile p = ReferenceProfile.of(data, "p", 0.5, new float[] {0.2f, 0.5f, 0.7f, 0.49f});

    // then
    assertEquals(0.5, p.score().positiveRate());
    assertTrue(p.score().positive(0.5));
    assertEquals("p", p.score().output());
    assertEquals(0.2f, p.score().values().min());
  }

  @Test
  void refusesAFeatureWithoutAnyValue() {
    // given a column that is empty in every row
    ReferenceData data =
        ReferenceData.of(List.of("a", "b"), new float[][] {{1, Float.NaN}, {2, Float.NaN}});

    // when / then
    InferenceException e =
        assertThrows(
            InferenceException.class, () -> ReferenceProfile.of(data, "p", 0.5, new float[] {}));
    assertEquals(InferenceException.Code.REFERENCE_DATA_INVALID, e.code());
    assertTrue(e.getMessage().contains("feature b has no values"), e.getMessage());
  }

  @Test
  void treatsNegativeZeroAsZero() {
    // given -0 and 0
    Distribution a = Distribution.of(new float[] {-0.0f, 1});
    Distribution b = Distribution.of(new float[] {0.0f, 1});

    // then the profiles' bytes do not depend on the sign of zero
    assertArrayEquals(
        ReferenceProfileCodec.write(profileOf(a)), ReferenceProfileCodec.write(profileOf(b)));
  }

  private static ReferenceProfile profileOf(Distribution d) {
    return new ReferenceProfile(
        d.count(),
        List.of(new ReferenceProfile.FeatureProfile("a", 0, d)),
        new ReferenceProfile.ScoreProfile("p", 0.5, 0.5, d));
  }
}
