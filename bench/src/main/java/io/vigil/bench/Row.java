package io.vigil.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured line of the results: a scenario id (A–F or a name), what was measured, its numbers
 * by name, and a note.
 */
record Row(String id, String label, Map<String, Double> metrics, String note) {

  public Row {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A row without a note. */
  public static Row of(String id, String label, Map<String, Double> metrics) {
    return new Row(id, label, metrics, "");
  }

  /** The metric of that name; NaN when absent. */
  public double get(String name) {
    return metrics.getOrDefault(name, Double.NaN);
  }
}
