package io.vigil.gateway.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftTest {

  private static final List<String> NAMES = TestSplit.shipped().featureNames();

  @Test
  void readsEachKindAndItsStart() {
    assertEquals(
        new Shift(Shift.Kind.SCALE, "area_mean", 1.5, 60),
        Shift.parse("scale:area_mean=1.5@60", NAMES));
    assertEquals(
        new Shift(Shift.Kind.OFFSET, "texture_worst", -2, 0),
        Shift.parse("offset:texture_worst=-2", NAMES));
    assertEquals(
        new Shift(Shift.Kind.MISSING, "radius_se", 0.25, 0),
        Shift.parse("missing:radius_se=0.25", NAMES));
    assertEquals(
        new Shift(Shift.Kind.PREVALENCE, "", 0.8, 1.5), Shift.parse("prevalence:0.8@1.5", NAMES));
  }

  @Test
  void writesItselfAsItIsRead() {
    for (String text :
        List.of("scale:area_mean=1.5@60", "prevalence:1", "missing:radius_se=0.25")) {
      assertEquals(text, Shift.parse(text, NAMES).toString());
    }
  }

  @Test
  void startsAtItsSecond() {
    Shift s = Shift.parse("scale:area_mean=2@10", NAMES);

    assertFalse(s.activeAt(9.99));
    assertTrue(s.activeAt(10));
  }

  @Test
  void refusesAnUnknownFeatureNamingTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Shift.parse("scale:Area=2", NAMES));

    assertEquals("no feature 'Area'; the features are " + String.join(", ", NAMES), e.getMessage());
  }

  @Test
  void refusesANegativeStartAndANonFiniteValue() {
    assertThrows(IllegalArgumentException.class, () -> Shift.parse("prevalence:0.5@-1", NAMES));
    assertThrows(IllegalArgumentException.class, () -> Shift.parse("scale:area_mean=NaN", NAMES));
    assertThrows(IllegalArgumentException.class, () -> Shift.parse("prevalence:", NAMES));
  }
}
