package io.vigil.gateway.evidence;

import java.util.List;
import java.util.Locale;

/**
 * Plots as inline SVG, drawn in a fixed 720 by 260 box: lines over windows with threshold rules, a
 * band of limits and a strip of colours (the safety level), and stacked bars per day. Values that
 * are {@code NaN} are gaps.
 */
final class Svg {

  /** One named series of values, one per position on the x axis. */
  record Series(String name, String color, double[] values) {}

  /** A horizontal rule at {@code value}: a threshold. */
  record Rule(String name, String color, double value) {}

  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int LEFT = 56;
  private static final int RIGHT = 150;
  private static final int TOP = 14;
  private static final int BOTTOM = 46;
  private static final int MAX_LABELS = 12;

  private Svg() {}

  /**
   * Lines of {@code series} over {@code x}, with {@code rules} across, the band between {@code
   * lower} and {@code upper} when they are not empty, and a strip of {@code strip} colours along
   * the bottom when it is not empty.
   */
  static String lines(
      String title,
      String yLabel,
      List<String> x,
      List<Series> series,
      List<Rule> rules,
      double[] lower,
      double[] upper,
      List<String> strip) {
    double max = 0;
    for (Series s : series) {
      max = Math.max(max, max(s.values()));
    }
    for (Rule r : rules) {
      max = Math.max(max, r.value());
    }
    max = Math.max(max(upper), max);
    double top = niceTop(max);
    StringBuilder out = open(title);
    axes(out, yLabel, x, top);
    if (lower.length == x.size() && upper.length == x.size() && !x.isEmpty()) {
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < x.size(); i++) {
        points.append(px(i, x.size())).append(',').append(py(upper[i], top)).append(' ');
      }
      for (int i = x.size() - 1; i >= 0; i--) {
        points.append(px(i, x.size())).append(',').append(py(lower[i], top)).append(' ');
      }
      out.append("<polygon fill=\"#9ecae1\" fill-opacity=\"0.35\" stroke=\"none\" points=\"")
          .append(points.toString().strip())
          .append("\"/>\n");
    }
    for (Rule r : rules) {
      double y = py(r.value(), top);
      out.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                      + " stroke-dasharray=\"6 4\"/>\n",
                  LEFT,
                  WIDTH - RIGHT,
                  y,
                  y,
                  r.color()))
          .append(label(WIDTH - RIGHT + 4, y + 4, r.name(), r.color()));
    }
    int legend = 0;
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.values().length && i < x.size(); i++) {
        double v = s.values()[i];
        if (Double.isNaN(v)) {
          pen = false;
          continue;
        }
        path.append(pen ? " L" : " M")
            .append(fmt(px(i, x.size())))
            .append(' ')
            .append(fmt(py(v, top)));
        out.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
                px(i, x.size()),
                py(v, top),
                s.color()));
        pen = true;
      }
      if (path.length() > 0) {
        out.append("<path fill=\"none\" stroke-width=\"1.6\" stroke=\"")
            .append(s.color())
            .append("\" d=\"")
            .append(path.toString().strip())
            .append("\"/>\n");
      }
      out.append(legendEntry(legend++, s.name(), s.color()));
    }
    for (int i = 0; i < strip.size() && i < x.size(); i++) {
      double w = (WIDTH - LEFT - RIGHT) / (double) x.size();
      out.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"6\" fill=\"%s\"/>\n",
              LEFT + i * w,
              HEIGHT - BOTTOM + 1,
              w,
              strip.get(i)));
    }
    return out.append("</svg>\n").toString();
  }

  /** Bars per {@code x}, the series stacked. */
  static String stackedBars(String title, String yLabel, List<String> x, List<Series> series) {
    double[] totals = new double[x.size()];
    for (Series s : series) {
      for (int i = 0; i < x.size(); i++) {
        totals[i] += value(s, i);
      }
    }
    double top = niceTop(max(totals));
    StringBuilder out = open(title);
    axes(out, yLabel, x, top);
    double slot = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, x.size());
    double[] base = new double[x.size()];
    int legend = 0;
    for (Series s : series) {
      for (int i = 0; i < x.size(); i++) {
        double v = value(s, i);
        if (v > 0) {
          double y0 = py(base[i], top);
          double y1 = py(base[i] + v, top);
          out.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                  LEFT + i * slot + slot * 0.15,
                  y1,
                  slot * 0.7,
                  y0 - y1,
                  s.color()));
          base[i] += v;
        }
      }
      out.append(legendEntry(legend++, s.name(), s.color()));
    }
    return out.append("</svg>\n").toString();
  }

  private static StringBuilder open(String title) {
    return new StringBuilder()
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" font-family=\"sans-serif\" font-size=\"11\"><title>")
        .append(Html.escape(title))
        .append("</title>\n");
  }

  private static void axes(StringBuilder out, String yLabel, List<String> x, double top) {
    int bottom = HEIGHT - BOTTOM;
    out.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n"
                + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
            LEFT,
            LEFT,
            TOP,
            bottom,
            LEFT,
            WIDTH - RIGHT,
            bottom,
            bottom));
    for (int t = 0; t <= 4; t++) {
      double v = top * t / 4;
      double y = py(v, top);
      out.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                  LEFT + 1,
                  WIDTH - RIGHT,
                  y,
                  y))
          .append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  LEFT - 4,
                  y + 4,
                  tick(v)));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(12 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
            (TOP + bottom) / 2,
            Html.escape(yLabel)));
    int every = Math.max(1, (int) Math.ceil(x.size() / (double) MAX_LABELS));
    for (int i = 0; i < x.size(); i += every) {
      out.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
              px(i, x.size()),
              bottom + 20,
              Html.escape(x.get(i))));
    }
  }

  private static String legendEntry(int index, String name, String color) {
    int y = TOP + 60 + index * 16;
    return String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
            WIDTH - RIGHT + 8,
            y - 9,
            color)
        + label(WIDTH - RIGHT + 22, y, name, "#222");
  }

  private static String label(double x, double y, String text, String color) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
        x,
        y,
        color,
        Html.escape(text));
  }

  private static double px(int i, int n) {
    double span = WIDTH - LEFT - RIGHT;
    return LEFT + span * (i + 0.5) / Math.max(1, n);
  }

  private static double py(double v, double top) {
    return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (v / top);
  }

  private static double value(Series s, int i) {
    return i < s.values().length && !Double.isNaN(s.values()[i]) ? s.values()[i] : 0;
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        m = Math.max(m, v);
      }
    }
    return m;
  }

  /** The smallest of 1, 2, 2.5 or 5 times a power of ten at or above {@code max}. */
  static double niceTop(double max) {
    if (max <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * power >= max) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String tick(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
