package io.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/history.tsv}: issue 19's guarded targets, one line per full {@code bench/run}, with
 * the commit and the date, so that BENCHMARKS.md keeps each ratio's history per commit.
 * Tab-separated with a header line; a value not measured is {@value #NONE}. Columns added later are
 * added to the header and read as {@value #NONE} in older lines.
 */
final class TargetHistory {

  /** The file, from the repository's root. */
  static final String FILE = "bench/history.tsv";

  /** A value this run did not measure. */
  static final String NONE = "-";

  static final String COMMIT = "commit";
  static final String DATE = "date";

  /** The context beside the guarded values: the ledger's wait in µs. */
  static final String LEDGER_WAIT_US = "ledger_wait_us";

  /** The disk's fsync p50 of the run, µs. */
  static final String FSYNC_P50_US = "fsync_p50_us";

  /** The generator's own p99 on the static path at half of E, ms. */
  static final String GENERATOR_P99_MS = "generator_p99_ms";

  /** Whether the p99 at half of E was measured pinned: {@code yes} or {@code no}. */
  static final String PINNED = "pinned";

  /** How many guarded targets were missed. */
  static final String MISSED = "missed";

  /**
   * The ledger's own p99 at the rate of the p99 at half of E, alone on the gateway's CPU, ms
   * ({@link LedgerFloor}); added after {@link #MISSED}, where an older file gains it.
   */
  static final String LEDGER_FLOOR_P99_MS = "ledger_floor_p99_ms";

  /** The columns of a new file, in order. */
  static final List<String> COLUMNS =
      List.of(
          COMMIT,
          DATE,
          RequestPathTargets.D_OVER_C,
          RequestPathTargets.E_OVER_C_WIDE,
          RequestPathTargets.CPU_BEYOND_MODEL,
          RequestPathTargets.LEDGER_WAIT,
          LEDGER_WAIT_US,
          FSYNC_P50_US,
          RequestPathTargets.P99_HALF_E,
          GENERATOR_P99_MS,
          PINNED,
          MISSED,
          LEDGER_FLOOR_P99_MS);

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX", Locale.ROOT);

  private TargetHistory() {}

  /** The lines of the history: its columns and its rows, each row a value per column. */
  record Table(List<String> columns, List<Map<String, String>> rows) {

    Table {
      columns = List.copyOf(columns);
      rows = rows.stream().map(r -> Map.copyOf(r)).toList();
    }

    /** The value of {@code column} in row {@code i}; {@code "-"} where the row has none. */
    String value(int i, String column) {
      return rows.get(i).getOrDefault(column, NONE);
    }
  }

  /** Parses the file's text; an empty text is a history without rows. */
  static Table parse(String tsv) {
    List<String> lines =
        tsv.lines().filter(l -> !l.isBlank()).map(l -> l.replace("\r", "")).toList();
    if (lines.isEmpty()) {
      return new Table(COLUMNS, List.of());
    }
    List<String> columns = List.of(lines.get(0).split("\t", -1));
    if (!columns.contains(COMMIT) || !columns.contains(DATE)) {
      throw new IllegalArgumentException(
          "history header must name " + COMMIT + " and " + DATE + ", got: " + lines.get(0));
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      String[] cells = lines.get(n).split("\t", -1);
      if (cells.length > columns.size()) {
        throw new IllegalArgumentException(
            "history line "
                + (n + 1)
                + " has "
                + cells.length
                + " values for "
                + columns.size()
                + " columns");
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        row.put(columns.get(c), c < cells.length && !cells[c].isEmpty() ? cells[c] : NONE);
      }
      rows.add(row);
    }
    return new Table(columns, rows);
  }

  /** The file's text: the header, then one line per row, each ending in a line break. */
  static String format(Table table) {
    StringBuilder s = new StringBuilder(String.join("\t", table.columns())).append('\n');
    for (int i = 0; i < table.rows().size(); i++) {
      List<String> cells = new ArrayList<>();
      for (String c : table.columns()) {
        cells.add(cell(table.value(i, c)));
      }
      s.append(String.join("\t", cells)).append('\n');
    }
    return s.toString();
  }

  /**
   * {@code table} with {@code row} after its rows; a column the table lacks is added at its end.
   */
  static Table append(Table table, Map<String, String> row) {
    LinkedHashSet<String> columns = new LinkedHashSet<>(table.columns());
    columns.addAll(row.keySet());
    List<Map<String, String>> rows = new ArrayList<>(table.rows());
    rows.add(row);
    return new Table(List.copyOf(columns), rows);
  }

  /** Appends {@code row} to the history in {@code file}, made with its header if absent. */
  static Table appendTo(Path file, Map<String, String> row) throws IOException {
    Table before =
        Files.exists(file)
            ? parse(Files.readString(file, StandardCharsets.UTF_8))
            : new Table(COLUMNS, List.of());
    Table after = append(before, row);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".history-", ".tsv");
    try {
      Files.writeString(tmp, format(after), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return after;
  }

  /**
   * One run's row: {@code commit}, the date (UTC, to the minute), each guarded target's value from
   * {@code targets}, then {@code context} ({@link #LEDGER_WAIT_US}, {@link #FSYNC_P50_US}, {@link
   * #GENERATOR_P99_MS}, {@link #LEDGER_FLOOR_P99_MS}), whether the p99 at half of E was measured
   * pinned, and how many guarded targets were missed.
   */
  static Map<String, String> entry(
      String commit,
      ZonedDateTime date,
      List<Target> targets,
      Map<String, Double> context,
      boolean pinned) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put(COMMIT, commit.isBlank() ? NONE : commit);
    row.put(DATE, date.withZoneSameInstant(ZoneOffset.UTC).format(MINUTE));
    for (String key : RequestPathTargets.KEYS) {
      row.put(
          key,
          targets.stream()
              .filter(t -> t.key().equals(key))
              .findFirst()
              .map(t -> number(t.value(), decimals(key)))
              .orElse(NONE));
    }
    context.forEach((k, v) -> row.put(k, number(v, decimals(k))));
    row.put(PINNED, pinned ? "yes" : "no");
    row.put(MISSED, Integer.toString(TargetGate.missed(targets).size()));
    Map<String, String> ordered = new LinkedHashMap<>();
    COLUMNS.stream().filter(row::containsKey).forEach(c -> ordered.put(c, row.get(c)));
    row.forEach(ordered::putIfAbsent);
    return ordered;
  }

  /** The history as a Markdown table, as BENCHMARKS.md shows it. */
  static String markdown(Table table) {
    StringBuilder md = new StringBuilder("| ").append(String.join(" | ", table.columns()));
    md.append(" |\n|");
    table.columns().forEach(c -> md.append(" --- |"));
    md.append('\n');
    for (int i = 0; i < table.rows().size(); i++) {
      md.append('|');
      for (String c : table.columns()) {
        md.append(' ').append(table.value(i, c)).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static int decimals(String key) {
    return switch (key) {
      case RequestPathTargets.CPU_BEYOND_MODEL, LEDGER_WAIT_US, FSYNC_P50_US -> 1;
      default -> 2;
    };
  }

  private static String number(double v, int decimals) {
    return Double.isFinite(v) ? Fmt.number(v, decimals) : NONE;
  }

  private static String cell(String value) {
    String v = value.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ').trim();
    return v.isEmpty() ? NONE : v;
  }
}
