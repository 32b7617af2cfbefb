package io.vigil.gateway.admin;

import java.util.Locale;

/**
 * Writes gauges in the Prometheus text exposition format (version 0.0.4): a {@code # HELP} and
 * {@code # TYPE} line per metric, then its samples. Names follow Micrometer's conventions, base
 * units in the name ({@code _bytes}).
 */
public final class Metrics {

  private final StringBuilder text = new StringBuilder(512);

  /** Adds a gauge with one sample; {@code labels} are name, value pairs. */
  public Metrics gauge(String name, String help, double value, String... labels) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(" gauge\n");
    text.append(name);
    if (labels.length > 0) {
      text.append('{');
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (i > 0) {
          text.append(',');
        }
        text.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
      }
      text.append('}');
    }
    text.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** The exposition text. */
  @Override
  public String toString() {
    return text.toString();
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
