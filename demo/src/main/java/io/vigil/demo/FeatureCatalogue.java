package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import io.vigil.inference.bundle.Manifest.Feature;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest's description of each WDBC column: its unit and the range a gateway treats as
 * physically plausible.
 *
 * <p>The measurements come from digitised images: lengths in pixels, areas in square pixels,
 * texture as the spread of gray levels, and the shape descriptors are ratios without a unit.
 */
final class FeatureCatalogue {

  private FeatureCatalogue() {}

  static List<Feature> describe(WdbcData data) {
    List<Feature> features = new ArrayList<>();
    for (int j = 0; j < data.width(); j++) {
      String name = data.featureNames().get(j);
      double largest = Double.NEGATIVE_INFINITY;
      for (Sample s : data.samples()) {
        largest = Math.max(largest, s.features()[j]);
      }
      features.add(new Feature(name, unit(name), 0, plausibleMax(largest), true));
    }
    return features;
  }

  static String unit(String column) {
    String measurement = column.substring(0, column.lastIndexOf('_'));
    return switch (measurement) {
      case "radius", "perimeter" -> "px";
      case "area" -> "px^2";
      case "texture" -> "gray level";
      case "smoothness",
          "compactness",
          "concavity",
          "concave_points",
          "symmetry",
          "fractal_dimension" ->
          "1";
      default -> throw new IllegalArgumentException("no unit known for column " + column);
    };
  }

  /** Twice the largest observed value, rounded up to one significant digit. */
  static double plausibleMax(double largestObserved) {
    return new BigDecimal(2 * largestObserved)
        .round(new MathContext(1, RoundingMode.CEILING))
        .doubleValue();
  }
}
