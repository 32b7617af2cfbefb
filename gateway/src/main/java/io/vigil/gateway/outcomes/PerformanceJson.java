package io.vigil.gateway.outcomes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.monitoring.LivePerformance;
import io.vigil.monitoring.LivePerformance.Counts;
import io.vigil.monitoring.LivePerformance.Estimate;

/** A version's live performance as the admin API shows it. */
public final class PerformanceJson {

  private PerformanceJson() {}

  /**
   * {@code {"verdict", "reasons", "window_outcomes", "min_outcomes", "delay_ms": {...}, "groups":
   * [{"subgroup", "since_activation": counts, "window": counts}]}}, each counts object with tp, fp,
   * tn, fn and the four metrics with their Wilson 95% intervals.
   */
  public static JsonObject of(LivePerformance p) {
    JsonArray groups = new JsonArray();
    for (LivePerformance.Group g : p.groups()) {
      groups.add(
          new JsonObject()
              .put("subgroup", g.subgroup())
              .put("since_activation", counts(g.sinceActivation()))
              .put("window", counts(g.window())));
    }
    return new JsonObject()
        .put("verdict", p.verdict().jsonName())
        .put("reasons", new JsonArray(p.reasons()))
        .put("window_outcomes", p.windowOutcomes())
        .put("min_outcomes", p.minOutcomes())
        .put(
            "delay_ms",
            new JsonObject()
                .put("mean", p.delay().meanMillis())
                .put("window_median", p.delay().windowMedianMillis())
                .put("window_max", p.delay().windowMaxMillis()))
        .put("groups", groups);
  }

  private static JsonObject counts(Counts c) {
    return new JsonObject()
        .put("outcomes", c.total())
        .put("tp", c.tp())
        .put("fp", c.fp())
        .put("tn", c.tn())
        .put("fn", c.fn())
        .put("sensitivity", estimate(c.sensitivity()))
        .put("specificity", estimate(c.specificity()))
        .put("ppv", estimate(c.ppv()))
        .put("npv", estimate(c.npv()));
  }

  private static JsonObject estimate(Estimate e) {
    JsonObject o = new JsonObject().put("of", e.trials());
    if (e.trials() > 0) {
      o.put("value", e.value()).put("ci_low", e.low()).put("ci_high", e.high());
    }
    return o;
  }
}
