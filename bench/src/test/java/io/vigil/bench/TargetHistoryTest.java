package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetHistoryTest {

  @TempDir Path dir;

  private static final ZonedDateTime NINE_TWENTY =
      ZonedDateTime.of(2026, 12, 2, 10, 20, 31, 0, ZoneOffset.ofHours(1));

  private static List<Target> targets() {
    return List.of(
        Target.bound("D/C", ">= 0.75", 0.4149, "", false, 0.75)
            .guarded(RequestPathTargets.D_OVER_C),
        Target.bound("E/C", ">= 0.5", 0.52, "", false, 0.5)
            .guarded(RequestPathTargets.E_OVER_C_WIDE),
        Target.bound("CPU", "<= 30 µs", 55.24, "", true, 30)
            .guarded(RequestPathTargets.CPU_BEYOND_MODEL),
        Target.notMeasured("ledger wait", "<= 1.5", "no probe")
            .guarded(RequestPathTargets.LEDGER_WAIT),
        Target.bound("p99", "<= 5 ms", 32.541, "", true, 5).guarded(RequestPathTargets.P99_HALF_E),
        Target.bound("start to ready", "<= 3 s", 3500, "", true, 3000));
  }

  private static Map<String, String> entry(String commit) {
    Map<String, Double> context = new LinkedHashMap<>();
    context.put(TargetHistory.LEDGER_WAIT_US, 613.0);
    context.put(TargetHistory.FSYNC_P50_US, Double.NaN);
    context.put(TargetHistory.GENERATOR_P99_MS, 1.234);
    context.put(TargetHistory.LEDGER_FLOOR_P99_MS, 5.978);
    return TargetHistory.entry(commit, NINE_TWENTY, targets(), context, true);
  }

  @Test
  void entryHoldsEachGuardedValueTheContextAndTheMissesInUtc() {
    Map<String, String> e = entry("4d771e4");

    assertEquals("4d771e4", e.get("commit"));
    assertEquals("2026-12-02T09:20Z", e.get("date"));
    assertEquals("0.41", e.get("d_over_c"));
    assertEquals("0.52", e.get("e_over_c_128"));
    assertEquals("55.2", e.get("cpu_beyond_model_us"));
    assertEquals("-", e.get("ledger_wait_fsyncs"));
    assertEquals("32.54", e.get("p99_at_half_e_ms"));
    assertEquals("613.0", e.get("ledger_wait_us"));
    assertEquals("-", e.get("fsync_p50_us"));
    assertEquals("1.23", e.get("generator_p99_ms"));
    assertEquals("5.98", e.get("ledger_floor_p99_ms"));
    assertEquals("yes", e.get("pinned"));
    // D/C, CPU and p99 missed; the unguarded start-up does not count, nor the unmeasured wait.
    assertEquals("3", e.get("missed"));
    assertEquals(TargetHistory.COLUMNS, List.copyOf(e.keySet()));
  }

  @Test
  void appendsToANewFileWithTheHeaderThenAfterTheLinesThere() throws IOException {
    Path file = dir.resolve("sub/history.tsv");

    TargetHistory.appendTo(file, entry("aaaaaaa"));
    TargetHistory.appendTo(file, entry("bbbbbbb+changes"));

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), lines.toString());
    assertEquals(String.join("\t", TargetHistory.COLUMNS), lines.get(0));
    assertTrue(lines.get(1).startsWith("aaaaaaa\t2026-12-02T09:20Z\t0.41\t0.52\t55.2\t-\t"));
    assertTrue(lines.get(2).startsWith("bbbbbbb+changes\t"), lines.get(2));
    assertTrue(lines.get(2).endsWith("\tyes\t3\t5.98"), lines.get(2));
    try (var left = Files.list(file.getParent())) {
      assertEquals(List.of(file), left.toList(), "no temporary file is left beside it");
    }
  }

  @Test
  void readsBackWhatItWrites() {
    TargetHistory.Table table =
        TargetHistory.append(TargetHistory.append(TargetHistory.parse(""), entry("a")), entry("b"));

    TargetHistory.Table read = TargetHistory.parse(TargetHistory.format(table));

    assertEquals(table, read);
    assertEquals("b", read.value(1, "commit"));
    assertEquals("32.54", read.value(0, "p99_at_half_e_ms"));
  }

  @Test
  void aColumnAddedLaterReadsAsNoneInOlderLines() {
    TargetHistory.Table old =
        TargetHistory.parse("commit\tdate\td_over_c\n" + "4d771e4\t2026-11-30T02:16Z\t0.41\n");

    TargetHistory.Table now = TargetHistory.append(old, entry("c0ffee1"));

    assertEquals(List.of("commit", "date", "d_over_c"), now.columns().subList(0, 3));
    assertTrue(now.columns().containsAll(TargetHistory.COLUMNS));
    assertEquals("-", now.value(0, "e_over_c_128"));
    assertEquals("0.41", now.value(0, "d_over_c"));
    String text = TargetHistory.format(now);
    assertTrue(text.lines().toList().get(1).startsWith("4d771e4\t2026-11-30T02:16Z\t0.41\t-\t"));
  }

  @Test
  void refusesALineWithMoreValuesThanColumnsOrAHeaderWithoutCommitAndDate() {
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () -> TargetHistory.parse("commit\tdate\n" + "a\tb\tc\n"));
    assertTrue(tooMany.getMessage().contains("line 2 has 3 values for 2 columns"));
    assertThrows(IllegalArgumentException.class, () -> TargetHistory.parse("a\tb\n1\t2\n"));
  }

  @Test
  void aValueWithATabCannotBreakTheLine() {
    Map<String, String> e = new LinkedHashMap<>(entry("a"));
    e.put("commit", "a\tb");

    TargetHistory.Table read =
        TargetHistory.parse(TargetHistory.format(TargetHistory.append(TargetHistory.parse(""), e)));

    assertEquals("a b", read.value(0, "commit"));
  }

  @Test
  void rendersMarkdownWithOneRowPerRun() {
    String md =
        TargetHistory.markdown(
            TargetHistory.parse("commit\tdate\td_over_c\n4d771e4\t2026-11-30T02:16Z\t0.41\n"));

    assertEquals(
        "| commit | date | d_over_c |\n| --- | --- | --- |\n| 4d771e4 | 2026-11-30T02:16Z | 0.41 |\n",
        md);
  }

  @Test
  void theCommittedHistoryIsReadableAndHasEveryColumn() throws IOException {
    // Surefire runs in the module's folder: bench/history.tsv is history.tsv here.
    TargetHistory.Table committed =
        TargetHistory.parse(Files.readString(Path.of("history.tsv"), StandardCharsets.UTF_8));

    assertEquals(TargetHistory.COLUMNS, committed.columns());
    assertFalse(committed.rows().isEmpty());
    for (int i = 0; i < committed.rows().size(); i++) {
      assertTrue(
          committed.value(i, "date").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ"),
          committed.value(i, "date"));
    }
  }
}
