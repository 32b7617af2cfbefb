package io.vigil.gateway.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests: it refuses
 * what a Prometheus server would refuse (a bad metric or label name, a bad escape, a value that is
 * not a Go float, a {@code TYPE} after its samples, a family split in two) and checks what the
 * format promises of histograms and summaries (buckets with {@code le} in increasing order,
 * cumulative, ending in {@code +Inf} equal to {@code _count}, {@code _sum} present).
 */
public final class PrometheusText {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line: its metric name, labels in their order, and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its name, type, help text and samples, in their order. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  public static PrometheusText parse(String text) {
    return new Parser(text).parse();
  }

  /** The families, by name. */
  public Map<String, Family> families() {
    return families;
  }

  /** The family called {@code name}; fails if there is none. */
  public Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no metric family " + name + "; there are " + families.keySet());
    }
    return f;
  }

  /**
   * The value of the one sample called {@code name} whose labels include the {@code labels} (name,
   * value pairs); fails unless exactly one matches.
   */
  public double value(String name, String... labels) {
    List<Sample> found = samples(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " samples " + name + " with " + List.of(labels) + ": " + found);
    }
    return found.get(0).value();
  }

  /**
   * The samples called {@code name} whose labels include the {@code labels} (name, value pairs).
   */
  public List<Sample> samples(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name) && includes(s.labels(), labels)) {
          found.add(s);
        }
      }
    }
    return found;
  }

  private static boolean includes(Map<String, String> labels, String... pairs) {
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
        return false;
      }
    }
    return true;
  }

  private static final class Parser {
    private final String text;
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Set<String> seriesSeen = new HashSet<>();
    private final Set<String> closed = new HashSet<>();
    private String current;
    private int lineNumber;

    Parser(String text) {
      this.text = text;
    }

    PrometheusText parse() {
      if (!text.isEmpty() && !text.endsWith("\n")) {
        throw new IllegalArgumentException("the text does not end with a line feed");
      }
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length - 1; i++) {
        lineNumber = i + 1;
        String line = lines[i];
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("#")) {
          comment(line);
        } else {
          sample(line);
        }
      }
      Map<String, Family> families = new LinkedHashMap<>();
      for (Map.Entry<String, String> t : types.entrySet()) {
        String name = t.getKey();
        families.put(
            name,
            new Family(
                name,
                t.getValue(),
                helps.getOrDefault(name, ""),
                List.copyOf(samples.getOrDefault(name, List.of()))));
      }
      for (Map.Entry<String, List<Sample>> s : samples.entrySet()) {
        families.computeIfAbsent(
            s.getKey(),
            name -> new Family(name, "untyped", helps.getOrDefault(name, ""), s.getValue()));
      }
      for (Family f : families.values()) {
        if (f.type().equals("histogram")) {
          checkHistogram(f);
        } else if (f.type().equals("summary")) {
          checkSummary(f);
        }
      }
      return new PrometheusText(Map.copyOf(families));
    }

    private void comment(String line) {
      String[] parts = line.split(" ", 4);
      if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
        return; // any other comment
      }
      String name = parts[2];
      if (!METRIC_NAME.matcher(name).matches()) {
        throw error("bad metric name '" + name + "'");
      }
      if (parts[1].equals("HELP")) {
        if (helps.containsKey(name)) {
          throw error("a second HELP for " + name);
        }
        String help = parts.length == 4 ? parts[3] : "";
        checkEscapes(help);
        helps.put(name, help);
        return;
      }
      if (parts.length != 4 || !TYPES.contains(parts[3])) {
        throw error("TYPE must be one of " + TYPES + ": " + line);
      }
      if (types.containsKey(name)) {
        throw error("a second TYPE for " + name);
      }
      if (samples.containsKey(name)) {
        throw error("TYPE for " + name + " after its samples");
      }
      types.put(name, parts[3]);
    }

    private void sample(String line) {
      int i = 0;
      while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
        i++;
      }
      String name = line.substring(0, i);
      if (!METRIC_NAME.matcher(name).matches()) {
        throw error("bad metric name '" + name + "'");
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (i < line.length() && line.charAt(i) == '{') {
        i = labels(line, i + 1, labels);
      }
      if (i >= line.length() || line.charAt(i) != ' ') {
        throw error("expected a space before the value: " + line);
      }
      String[] rest = line.substring(i + 1).split(" ", -1);
      if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches()) {
        throw error("the value must be a float, then an optional timestamp: " + line);
      }
      if (rest.length == 2 && !TIMESTAMP.matcher(rest[1]).matches()) {
        throw error("bad timestamp: " + line);
      }
      String family = familyOf(name, labels);
      if (!family.equals(current)) {
        if (closed.contains(family)) {
          throw error("the samples of " + family + " are not in one group");
        }
        if (current != null) {
          closed.add(current);
        }
        current = family;
      }
      if (!seriesSeen.add(name + labels)) {
        throw error("a second sample of the series " + name + labels);
      }
      samples
          .computeIfAbsent(family, f -> new ArrayList<>())
          .add(new Sample(name, Map.copyOf(labels), number(rest[0])));
    }

    /** Reads labels from just after '{' to '}'; returns the index after '}'. */
    private int labels(String line, int i, Map<String, String> into) {
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      while (true) {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw error("a label without '=': " + line);
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw error("bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw error("a label value must be quoted: " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw error("unterminated label value: " + line);
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = j + 1 < line.length() ? line.charAt(j + 1) : ' ';
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw error("bad escape in a label value: " + line);
            }
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        if (into.put(label, value.toString()) != null) {
          throw error("label " + label + " twice: " + line);
        }
        j++;
        if (j >= line.length()) {
          throw error("unterminated labels: " + line);
        }
        if (line.charAt(j) == '}') {
          return j + 1;
        }
        if (line.charAt(j) != ',') {
          throw error("expected ',' or '}' after a label: " + line);
        }
        i = j + 1;
      }
    }

    /** The family a sample belongs to, by its TYPE; the sample's own name if it has none. */
    private String familyOf(String name, Map<String, String> labels) {
      String type = types.get(name);
      if (type != null) {
        if (type.equals("histogram")) {
          throw error("a histogram's samples end in _bucket, _count or _sum: " + name);
        }
        if (type.equals("summary") && !labels.containsKey("quantile")) {
          throw error("a summary's own samples need a quantile label: " + name);
        }
        return name;
      }
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        if (name.endsWith(suffix)) {
          String base = name.substring(0, name.length() - suffix.length());
          String baseType = types.get(base);
          if ("histogram".equals(baseType)
              || ("summary".equals(baseType) && !suffix.equals("_bucket"))) {
            if (suffix.equals("_bucket") && !labels.containsKey("le")) {
              throw error("a bucket without le: " + name + labels);
            }
            return base;
          }
        }
      }
      return name;
    }

    private void checkHistogram(Family f) {
      Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
      Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
      Set<Map<String, String>> sums = new HashSet<>();
      for (Sample s : f.samples()) {
        Map<String, String> series = new LinkedHashMap<>(s.labels());
        series.remove("le");
        if (s.name().endsWith("_bucket")) {
          buckets.computeIfAbsent(Map.copyOf(series), k -> new ArrayList<>()).add(s);
        } else if (s.name().endsWith("_count")) {
          counts.put(Map.copyOf(series), s.value());
        } else {
          sums.add(Map.copyOf(series));
        }
      }
      if (buckets.isEmpty()) {
        throw new IllegalArgumentException("histogram " + f.name() + " has no buckets");
      }
      for (Map.Entry<Map<String, String>, List<Sample>> b : buckets.entrySet()) {
        String where = "histogram " + f.name() + b.getKey();
        double lastLe = Double.NEGATIVE_INFINITY;
        double lastCount = 0;
        for (Sample s : b.getValue()) {
          String le = s.labels().get("le");
          if (!FLOAT.matcher(le).matches()) {
            throw new IllegalArgumentException(where + ": le=\"" + le + "\" is not a float");
          }
          double bound = number(le);
          if (!(bound > lastLe)) {
            throw new IllegalArgumentException(where + ": le=\"" + le + "\" out of order");
          }
          if (s.value() < lastCount) {
            throw new IllegalArgumentException(where + ": buckets are not cumulative at le=" + le);
          }
          lastLe = bound;
          lastCount = s.value();
        }
        if (lastLe != Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(where + ": the last bucket is not le=\"+Inf\"");
        }
        Double count = counts.get(b.getKey());
        if (count == null || count != lastCount) {
          throw new IllegalArgumentException(
              where + ": _count " + count + " is not the +Inf bucket's " + lastCount);
        }
        if (!sums.contains(b.getKey())) {
          throw new IllegalArgumentException(where + ": no _sum");
        }
      }
    }

    private void checkSummary(Family f) {
      Set<Map<String, String>> series = new HashSet<>();
      Set<Map<String, String>> counts = new HashSet<>();
      Set<Map<String, String>> sums = new HashSet<>();
      for (Sample s : f.samples()) {
        Map<String, String> key = new LinkedHashMap<>(s.labels());
        key.remove("quantile");
        series.add(Map.copyOf(key));
        if (s.name().endsWith("_count")) {
          counts.add(Map.copyOf(key));
        } else if (s.name().endsWith("_sum")) {
          sums.add(Map.copyOf(key));
        }
      }
      if (!counts.containsAll(series) || !sums.containsAll(series)) {
        throw new IllegalArgumentException("summary " + f.name() + " lacks _count or _sum");
      }
    }

    /** A help text escapes only backslash and line feed. */
    private void checkEscapes(String help) {
      for (int j = 0; j < help.length(); j++) {
        if (help.charAt(j) == '\\') {
          char next = j + 1 < help.length() ? help.charAt(j + 1) : ' ';
          if (next != '\\' && next != 'n') {
            throw error("bad escape in HELP: " + help);
          }
          j++;
        }
      }
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException("line " + lineNumber + ": " + message);
    }
  }

  private static double number(String value) {
    return switch (value) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}
