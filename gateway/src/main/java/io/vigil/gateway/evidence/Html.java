package io.vigil.gateway.evidence;

import java.time.Instant;
import java.util.Locale;

/** What every part of the report writes with: escaping, numbers, times, table rows, figures. */
final class Html {

  private Html() {}

  /** Writes {@code svg} as a figure with its caption. */
  static void figure(StringBuilder out, String svg, String caption) {
    out.append("<figure>\n")
        .append(svg)
        .append("<figcaption>")
        .append(escape(caption))
        .append("</figcaption></figure>\n");
  }

  /** Writes a table row of a name and its value. */
  static void row(StringBuilder out, String name, String value) {
    out.append("<tr><td>")
        .append(escape(name))
        .append("</td><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  /** An instant as ISO-8601 in UTC. */
  static String time(Instant t) {
    return t.toString();
  }

  /** Four significant digits, or a dash for a value not known. */
  static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4g", v);
  }

  /** {@code text} with the five characters that HTML gives a meaning escaped. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
