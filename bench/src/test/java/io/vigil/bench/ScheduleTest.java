package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {

  @Test
  void spacesIntendedSendTimesByTheRateWithoutDrift() {
    Schedule s = new Schedule(1_000, 3_000); // one every 333,333.3 ns

    assertEquals(1_000, s.intendedNanos(0));
    assertEquals(1_000 + 333_333, s.intendedNanos(1));
    assertEquals(1_000 + 1_000_000_000L, s.intendedNanos(3_000));
  }

  @Test
  void countsRequestsDueIncludingOneDueExactlyNow() {
    Schedule s = new Schedule(0, 1_000); // one per millisecond

    assertEquals(0, s.dueBy(-1));
    assertEquals(1, s.dueBy(0));
    assertEquals(1, s.dueBy(999_999));
    assertEquals(2, s.dueBy(1_000_000));
    assertEquals(11, s.dueBy(10_500_000));
  }

  @Test
  void dueByAgreesWithIntendedTimesAtOddRates() {
    Schedule s = new Schedule(123, 7_777.7);
    for (long i = 0; i < 50_000; i += 7) {
      long t = s.intendedNanos(i);
      assertEquals(i + 1, s.dueBy(t), "at request " + i);
      assertEquals(i, s.dueBy(t - 1), "just before request " + i);
    }
  }

  @Test
  void refusesANonPositiveRate() {
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0));
  }
}
