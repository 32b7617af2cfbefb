package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StratifiedSplitTest {

  private static final WdbcData DATA = WdbcData.load(Path.of("data/wdbc.csv"));

  @Test
  void splitIsStratifiedAndDisjoint() {
    StratifiedSplit split = StratifiedSplit.of(DATA, StratifiedSplit.SEED);

    Set<Integer> all = new HashSet<>();
    all.addAll(split.train());
    all.addAll(split.validation());
    all.addAll(split.test());
    assertEquals(569, split.train().size() + split.validation().size() + split.test().size());
    assertEquals(IntStream.rangeClosed(1, 569).boxed().toList(), all.stream().sorted().toList());
    // 212 malignant: 42 / 42 / 128; 357 benign: 71 / 71 / 215.
    assertEquals(List.of(128L, 215L), counts(split.train()));
    assertEquals(List.of(42L, 71L), counts(split.validation()));
    assertEquals(List.of(42L, 71L), counts(split.test()));
    assertSorted(split.train());
    assertSorted(split.validation());
    assertSorted(split.test());
  }

  @Test
  void sameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    assertEquals(StratifiedSplit.of(DATA, 7), StratifiedSplit.of(DATA, 7));
    assertNotEquals(StratifiedSplit.of(DATA, 7).test(), StratifiedSplit.of(DATA, 8).test());
  }

  @Test
  void refusesDataWhoseDigestDiffers(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("wdbc.csv");
    Files.writeString(copy, "id,x,diagnosis\n1,1.0,benign\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WdbcData.load(copy));
    assertTrue(e.getMessage().contains(WdbcData.EXPECTED_SHA256), e.getMessage());
  }

  private static List<Long> counts(List<Integer> ids) {
    long malignant = DATA.select(ids).stream().filter(WdbcData.Sample::malignant).count();
    return List.of(malignant, ids.size() - malignant);
  }

  private static void assertSorted(List<Integer> ids) {
    assertEquals(ids.stream().sorted().toList(), ids);
  }
}
