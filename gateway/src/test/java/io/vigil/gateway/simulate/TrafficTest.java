package io.vigil.gateway.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficTest {

  private static final TestSplit DATA = TestSplit.shipped();
  private static final int AREA_MEAN = DATA.featureNames().indexOf("area_mean");

  @Test
  void theShippedDataIsTheTestSplitOfWdbc() {
    assertEquals(113, DATA.rows().size());
    assertEquals(42, DATA.rows().stream().filter(TestSplit.Row::malignant).count());
    assertEquals(30, DATA.featureNames().size());
  }

  @Test
  void theSameSeedDrawsTheSameRows() {
    Traffic a = new Traffic(DATA, 7, 0.02, List.of());
    Traffic b = new Traffic(DATA, 7, 0.02, List.of());

    for (int i = 0; i < 50; i++) {
      assertArrayEquals(a.next(i).values(), b.next(i).values());
    }
  }

  @Test
  void withoutNoiseEveryRowIsATestRow() {
    Traffic t = new Traffic(DATA, 1, 0, List.of());

    for (int i = 0; i < 50; i++) {
      float[] drawn = t.next(0).values();
      assertTrue(
          DATA.rows().stream().anyMatch(r -> same(r.features(), drawn)), "not a test-split row");
    }
  }

  @Test
  void aScaleShiftAppliesFromItsStart() {
    Shift doubled = Shift.parse("scale:area_mean=2@5", DATA.featureNames());
    Traffic shifted = new Traffic(DATA, 3, 0, List.of(doubled));
    Traffic plain = new Traffic(DATA, 3, 0, List.of());

    assertEquals(plain.next(1).values()[AREA_MEAN], shifted.next(1).values()[AREA_MEAN]);
    assertEquals(2 * plain.next(6).values()[AREA_MEAN], shifted.next(6).values()[AREA_MEAN]);
  }

  @Test
  void prevalenceDrawsOnlyTheClassItAsksFor() {
    Traffic malignant =
        new Traffic(DATA, 4, 0.02, List.of(Shift.parse("prevalence:1", DATA.featureNames())));
    Traffic benign =
        new Traffic(DATA, 4, 0.02, List.of(Shift.parse("prevalence:0", DATA.featureNames())));

    for (int i = 0; i < 50; i++) {
      assertTrue(malignant.next(i).malignant());
      assertFalse(benign.next(i).malignant());
    }
  }

  @Test
  void missingMarksAboutItsFractionOfRows() {
    Traffic t =
        new Traffic(
            DATA, 5, 0.02, List.of(Shift.parse("missing:area_mean=0.5", DATA.featureNames())));

    int missing = 0;
    for (int i = 0; i < 1000; i++) {
      Traffic.Draw d = t.next(i);
      missing += d.missing()[AREA_MEAN] ? 1 : 0;
      assertFalse(d.missing()[0]);
    }
    assertTrue(missing > 400 && missing < 600, "missing in " + missing + " of 1000 rows");
  }

  private static boolean same(double[] row, float[] drawn) {
    for (int j = 0; j < row.length; j++) {
      if ((float) row[j] != drawn[j]) {
        return false;
      }
    }
    return true;
  }
}
