package io.vigil.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.monitoring.LivePerformance;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The live monitoring of one model version, read when {@code /metrics} is scraped: {@code
 * vigil.safety.level} (0 normal, 1 warn, 2 alert, 3 suspend), the last closed window's {@code
 * vigil.drift.psi} and {@code vigil.drift.ks} per feature and for the score, its {@code
 * vigil.drift.positive.rate}, the open window's rows and the observations dropped; and the live
 * performance from outcomes, {@code vigil.outcomes} and {@code vigil.performance}.
 */
public final class SafetyMeters {

  /** The safety level in force, as a number. */
  public static final String LEVEL = "vigil.safety.level";

  /** The last window's PSI on the reference deciles. */
  public static final String PSI = "vigil.drift.psi";

  /** The last window's Kolmogorov-Smirnov distance to the reference. */
  public static final String KS = "vigil.drift.ks";

  /** Outcomes counted since activation, by confusion cell (tp, fp, tn, fn). */
  public static final String OUTCOMES = "vigil.outcomes";

  /** Live sensitivity, specificity, PPV and NPV over the outcome window, with their bounds. */
  public static final String PERFORMANCE = "vigil.performance";

  /** The last window's positive rate at the operating threshold. */
  public static final String POSITIVE_RATE = "vigil.drift.positive.rate";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  private SafetyMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the gauges of {@code monitor}; {@link #remove} takes them away when it unloads. */
  public static SafetyMeters register(
      MeterRegistry registry, ModelMonitor monitor, List<String> features, String score) {
    SafetyMeters m = new SafetyMeters(registry);
    String model = monitor.modelId();
    String version = monitor.version();
    m.gauge(
        LEVEL,
        "The safety level in force: 0 normal, 1 warn, 2 alert, 3 suspend.",
        monitor,
        x -> x.level().ordinal(),
        model,
        version);
    m.gauge(
        POSITIVE_RATE,
        "The last closed window's share of answers at or above the operating threshold.",
        monitor,
        x -> last(x).map(WindowResult::positiveRate).orElse(Double.NaN),
        model,
        version);
    m.gauge(
        "vigil.monitoring.open.rows",
        "Rows in the open monitoring window.",
        monitor,
        ModelMonitor::openWindowRows,
        model,
        version);
    m.gauge(
        "vigil.monitoring.dropped",
        "Observations dropped because the monitor thread fell behind.",
        monitor,
        ModelMonitor::dropped,
        model,
        version);
    String[] cells = {"tp", "fp", "tn", "fn"};
    for (String cell : cells) {
      m.meters.add(
          Gauge.builder(
                  OUTCOMES,
                  monitor,
                  x -> {
                    LivePerformance.Counts c = x.performance().all().sinceActivation();
                    return switch (cell) {
                      case "tp" -> c.tp();
                      case "fp" -> c.fp();
                      case "tn" -> c.tn();
                      default -> c.fn();
                    };
                  })
              .description("Outcomes counted since activation, by confusion cell.")
              .tags("model", model, "version", version, "cell", cell)
              .register(registry));
    }
    for (String metric : List.of("sensitivity", "specificity", "ppv", "npv")) {
      for (String bound : List.of("value", "low", "high")) {
        m.meters.add(
            Gauge.builder(
                    PERFORMANCE,
                    monitor,
                    x -> {
                      LivePerformance.Estimate e =
                          x.performance().all().window().metric(metric).orElseThrow();
                      if (e.trials() == 0) {
                        return Double.NaN;
                      }
                      return bound.equals("value")
                          ? e.value()
                          : bound.equals("low") ? e.low() : e.high();
                    })
                .description(
                    "Live performance over the last outcomes at the operating threshold, with its"
                        + " Wilson 95% interval (bound low and high).")
                .tags("model", model, "version", version, "metric", metric, "bound", bound)
                .register(registry));
      }
    }
    for (int i = 0; i <= features.size(); i++) {
      int f = i;
      String name = i < features.size() ? features.get(i) : score;
      ToDoubleFunction<ModelMonitor> psi =
          x ->
              last(x)
                  .map(w -> f < w.features().size() ? w.features().get(f).psi() : w.score().psi())
                  .orElse(Double.NaN);
      ToDoubleFunction<ModelMonitor> ks =
          x ->
              last(x)
                  .map(
                      w ->
                          f < w.features().size()
                              ? w.features().get(f).ksDelta()
                              : w.score().ksDelta())
                  .orElse(Double.NaN);
      m.meters.add(
          Gauge.builder(PSI, monitor, psi)
              .description("The last closed window's PSI against the reference deciles.")
              .tags("model", model, "version", version, "feature", name)
              .register(registry));
      m.meters.add(
          Gauge.builder(KS, monitor, ks)
              .description("The last closed window's Kolmogorov-Smirnov distance to the reference.")
              .tags("model", model, "version", version, "feature", name)
              .register(registry));
    }
    return m;
  }

  /** Removes the gauges: the version is unloaded. */
  public void remove() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private void gauge(
      String name,
      String description,
      ModelMonitor monitor,
      ToDoubleFunction<ModelMonitor> value,
      String model,
      String version) {
    meters.add(
        Gauge.builder(name, monitor, value)
            .description(description)
            .tags("model", model, "version", version)
            .register(registry));
  }

  private static java.util.Optional<WindowResult> last(ModelMonitor monitor) {
    List<WindowResult> windows = monitor.recentWindows();
    return windows.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(windows.get(windows.size() - 1));
  }
}
