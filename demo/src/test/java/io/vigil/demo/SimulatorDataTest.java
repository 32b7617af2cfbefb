package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vigil.demo.WdbcData.Sample;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorDataTest {

  private static final WdbcData DATA = WdbcData.load(Path.of("data/wdbc.csv"));
  private static final StratifiedSplit SPLIT = StratifiedSplit.of(DATA, StratifiedSplit.SEED);

  @Test
  void theShippedResourceHoldsExactlyTheTestSplitAndNoTrainingRow() throws Exception {
    List<String> lines = shipped().lines().toList();

    assertEquals(String.join(",", DATA.featureNames()) + ",diagnosis", lines.get(0));
    List<String> rows = lines.subList(1, lines.size());
    assertEquals(SPLIT.test().size(), rows.size());
    assertEquals(113, rows.size());
    assertEquals(42, rows.stream().filter(r -> r.endsWith(",malignant")).count());
    assertEquals(rowsOf(SPLIT.test()), Set.copyOf(rows));
    Set<String> training = rowsOf(SPLIT.train());
    Set<String> validation = rowsOf(SPLIT.validation());
    for (String row : rows) {
      assertFalse(training.contains(row), "a training row in the simulator's data: " + row);
      assertFalse(validation.contains(row), "a validation row in the simulator's data: " + row);
      assertEquals(31, row.split(",", -1).length, "30 features and the diagnosis: " + row);
    }
  }

  @Test
  void writesTheSameBytesEveryBuild(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a/wdbc-test-split.csv");
    Path b = dir.resolve("b/wdbc-test-split.csv");

    SimulatorData.main(new String[] {"data/wdbc.csv", a.toString()});
    SimulatorData.main(new String[] {"data/wdbc.csv", b.toString()});

    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertArrayEquals(shipped().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(a));
  }

  private static String shipped() throws Exception {
    try (InputStream in = SimulatorData.class.getResourceAsStream("/" + SimulatorData.RESOURCE)) {
      assertNotNull(in, SimulatorData.RESOURCE + " is not on the class path: run process-classes");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Set<String> rowsOf(List<Integer> ids) {
    return DATA.select(ids).stream()
        .map(Sample::line)
        .map(SimulatorData::withoutId)
        .collect(Collectors.toSet());
  }
}
