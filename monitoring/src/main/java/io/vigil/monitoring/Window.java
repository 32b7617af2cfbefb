package io.vigil.monitoring;

import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The open window of one model version: a KLL sketch and decile counts per feature and for the
 * score, and counters. Touched by the monitor thread only; its memory does not grow with traffic.
 */
final class Window {

  final Instant opened;
  final KllFloatsSketch[] sketches;
  final long[][] bins;
  final long[] outOfDistribution;
  final long[] outOfRange;
  final KllFloatsSketch scoreSketch;
  final long[] scoreBins;
  long rows;
  long missingRows;
  long positives;

  Window(int features, Instant opened) {
    this.opened = opened;
    this.sketches = new KllFloatsSketch[features];
    this.bins = new long[features][ReferenceProfile.DECILE_EDGES + 1];
    this.outOfDistribution = new long[features];
    this.outOfRange = new long[features];
    for (int f = 0; f < features; f++) {
      sketches[f] = KllFloatsSketch.newHeapInstance(ReferenceProfile.KLL_K);
    }
    this.scoreSketch = KllFloatsSketch.newHeapInstance(ReferenceProfile.KLL_K);
    this.scoreBins = new long[ReferenceProfile.DECILE_EDGES + 1];
  }

  /**
   * Adds one value of feature {@code f}, binned by its reference's decile {@code edges}, out of
   * distribution outside {@code [low, high]} (its reference's 0.5 and 99.5 percentiles), out of
   * range outside the manifest's {@code [min, max]}.
   */
  void add(int f, float v, float[] edges, float low, float high, double min, double max) {
    sketches[f].update(v);
    bins[f][Distribution.decileBin(edges, v)]++;
    if (v < low || v > high) {
      outOfDistribution[f]++;
    }
    if (v < min || v > max) {
      outOfRange[f]++;
    }
  }

  /** Adds one row's score, binned by its reference's decile {@code edges}. */
  void addScore(float score, float[] edges, boolean positive) {
    scoreSketch.update(score);
    scoreBins[Distribution.decileBin(edges, score)]++;
    rows++;
    if (positive) {
      positives++;
    }
  }

  /** The window's sketches and counters, for the state file. */
  Persisted persist() {
    String[] s = new String[sketches.length];
    for (int f = 0; f < s.length; f++) {
      s[f] = Base64.getEncoder().encodeToString(sketches[f].toByteArray());
    }
    return new Persisted(
        opened,
        List.of(s),
        deepCopy(bins),
        outOfDistribution.clone(),
        outOfRange.clone(),
        Base64.getEncoder().encodeToString(scoreSketch.toByteArray()),
        scoreBins.clone(),
        rows,
        missingRows,
        positives);
  }

  /** A window as the state file holds it. */
  record Persisted(
      Instant opened,
      List<String> sketches,
      long[][] bins,
      long[] outOfDistribution,
      long[] outOfRange,
      String scoreSketch,
      long[] scoreBins,
      long rows,
      long missingRows,
      long positives) {

    Window restore(int features) {
      if (sketches.size() != features || bins.length != features) {
        throw new IllegalArgumentException(
            "the saved window has " + sketches.size() + " features, the model " + features);
      }
      Window w = new Window(features, opened);
      for (int f = 0; f < features; f++) {
        w.sketches[f] = heapify(sketches.get(f));
        System.arraycopy(bins[f], 0, w.bins[f], 0, w.bins[f].length);
      }
      System.arraycopy(outOfDistribution, 0, w.outOfDistribution, 0, features);
      System.arraycopy(outOfRange, 0, w.outOfRange, 0, features);
      KllFloatsSketch score = heapify(scoreSketch);
      w.scoreSketch.merge(score);
      System.arraycopy(scoreBins, 0, w.scoreBins, 0, w.scoreBins.length);
      w.rows = rows;
      w.missingRows = missingRows;
      w.positives = positives;
      return w;
    }

    private static KllFloatsSketch heapify(String b64) {
      return KllFloatsSketch.heapify(Memory.wrap(Base64.getDecoder().decode(b64)));
    }
  }

  private static long[][] deepCopy(long[][] a) {
    long[][] c = new long[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
