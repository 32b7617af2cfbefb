package io.vigil.gateway.evidence;

import io.vigil.gateway.evidence.Facts.Daily;
import io.vigil.gateway.evidence.Facts.Qualification;
import io.vigil.gateway.evidence.Facts.Window;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The report's plots, each a figure with a caption that says where its numbers are in a table. */
final class HtmlPlots {

  static final String[] PALETTE = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"
  };

  /** The design's PSI thresholds, drawn when no bundle of the model could be read. */
  private static final double DEFAULT_PSI_WARN = 0.10;

  private static final double DEFAULT_PSI_ALERT = 0.25;

  private HtmlPlots() {}

  /** The positive rate per window with its limits and the safety level as a strip. */
  static void positiveRatePlot(StringBuilder out, Facts f) {
    List<Window> w = f.windows();
    List<String> x = new ArrayList<>();
    double[] rate = new double[w.size()];
    double[] lower = new double[w.size()];
    double[] upper = new double[w.size()];
    List<String> strip = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      x.add(Long.toString(w.get(i).index()));
      rate[i] = w.get(i).positiveRate();
      lower[i] = w.get(i).lowerLimit();
      upper[i] = w.get(i).upperLimit();
      strip.add(levelColor(w.get(i).level()));
    }
    Html.figure(
        out,
        Svg.lines(
            "Positive rate per window",
            "positive rate",
            x,
            List.of(new Svg.Series("positive rate", "#d62728", rate)),
            List.of(),
            lower,
            upper,
            strip),
        "Positive rate per closed monitoring window (x: window number), with its 99% control"
            + " limits (shaded) and the safety level of each window along the axis (green normal,"
            + " yellow warn, orange alert, red suspend). The table in \"Drift windows\" holds the"
            + " same values.");
  }

  /** The PSI of the score and of the most drifting features per window, with the thresholds. */
  static void psiPlot(StringBuilder out, Facts f) {
    List<Window> w = f.windows();
    Map<String, Double> peak = new java.util.HashMap<>();
    w.forEach(win -> win.drifting().forEach((k, p) -> peak.merge(k, p, Math::max)));
    List<String> features =
        peak.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(5)
            .map(Map.Entry::getKey)
            .toList();
    List<String> x = w.stream().map(win -> Long.toString(win.index())).toList();
    Optional<Qualification> q =
        f.versions().stream().flatMap(v -> v.qualification().stream()).findFirst();
    double warn = q.map(Qualification::psiWarn).orElse(DEFAULT_PSI_WARN);
    double alert = q.map(Qualification::psiAlert).orElse(DEFAULT_PSI_ALERT);
    List<Svg.Series> series = new ArrayList<>();
    series.add(new Svg.Series("score", "#222", w.stream().mapToDouble(Window::scorePsi).toArray()));
    for (int k = 0; k < features.size(); k++) {
      String name = features.get(k);
      series.add(
          new Svg.Series(
              name,
              PALETTE[k % PALETTE.length],
              w.stream()
                  .mapToDouble(win -> win.drifting().getOrDefault(name, Double.NaN))
                  .toArray()));
    }
    Html.figure(
        out,
        Svg.lines(
            "PSI per window",
            "PSI",
            x,
            series,
            List.of(
                new Svg.Rule("warn " + Html.num(warn), "#b8860b", warn),
                new Svg.Rule("alert " + Html.num(alert), "#d62728", alert)),
            new double[0],
            new double[0],
            List.of()),
        "Population stability index per window: of the score, and of the five features with the"
            + " largest PSI where they drifted (a window event lists only the drifting features,"
            + " so a gap means that feature did not drift there). Dashed: the warn and alert"
            + " thresholds of the model's manifest. The table below holds the"
            + " same values.");
  }

  /** Predictions per day and version, stacked, with the same numbers in a table. */
  static void perDay(StringBuilder out, Facts f) {
    List<String> days =
        new ArrayList<>(
            new TreeSet<>(f.daily().stream().map(Daily::day).map(LocalDate::toString).toList()));
    List<String> versions = versionNames(f);
    if (!days.isEmpty()) {
      List<Svg.Series> series = new ArrayList<>();
      for (int k = 0; k < versions.size(); k++) {
        double[] values = new double[days.size()];
        for (Daily d : f.daily()) {
          if (d.version().equals(versions.get(k))) {
            values[days.indexOf(d.day().toString())] = d.count();
          }
        }
        series.add(new Svg.Series(versions.get(k), PALETTE[k % PALETTE.length], values));
      }
      Html.figure(
          out,
          Svg.stackedBars("Predictions per day and version", "predictions", days, series),
          "Predictions per UTC day, stacked by version.");
      out.append("<details><summary>Data table</summary><table><tr><th>day</th><th>version</th>")
          .append("<th>predictions</th></tr>\n");
      for (Daily d : f.daily()) {
        out.append("<tr><td>")
            .append(d.day())
            .append("</td><td>")
            .append(Html.escape(d.version()))
            .append("</td><td class=\"n\">")
            .append(d.count())
            .append("</td></tr>\n");
      }
      out.append("</table></details>\n");
    }
  }

  private static String levelColor(String level) {
    return switch (level) {
      case "warn" -> "#f2c500";
      case "alert" -> "#ff7f0e";
      case "suspend" -> "#d62728";
      default -> "#2ca02c";
    };
  }

  private static List<String> versionNames(Facts f) {
    Set<String> names = new LinkedHashSet<>();
    f.daily().forEach(d -> names.add(d.version()));
    return new ArrayList<>(names);
  }
}
