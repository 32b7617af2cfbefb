package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  private static final long MS = 1_000_000;

  @Test
  void countsTheWaitBehindAStallFromTheIntendedSendTime() {
    // Given one request due every millisecond for a second, answered in 1 ms, except that the
    // server stalls for 100 ms at t = 500 ms and the requests due meanwhile go out late,
    LatencyRecorder r = new LatencyRecorder();
    long stallEnd = 600 * MS;
    for (int i = 0; i < 1000; i++) {
      long intended = i * MS;
      boolean stalled = intended >= 500 * MS && intended < stallEnd;
      long sent = stalled ? stallEnd : intended;
      long done = (stalled ? stallEnd : intended) + MS;
      r.record(intended, sent, done, true);
    }

    // then the corrected p99 sees the stall (up to 101 ms) while the naive one sees 1 ms.
    assertEquals(1000, r.ok());
    long correctedP99 = r.corrected().getValueAtPercentile(99);
    assertTrue(correctedP99 > 90_000, "corrected p99 " + correctedP99 + " µs");
    assertEquals(101_000, r.corrected().getMaxValue(), 101_000 * 0.001);
    assertEquals(1_000, r.uncorrected().getValueAtPercentile(99.9), 1_000 * 0.001);
    assertEquals(100_000, r.sendLag().getMaxValue(), 100_000 * 0.001);
  }

  @Test
  void matchesTheExactPercentilesOfAKnownDistribution() {
    LatencyRecorder r = new LatencyRecorder();
    for (int us = 1; us <= 10_000; us++) {
      r.record(0, 0, us * 1_000L, true);
    }

    assertEquals(5_000, r.corrected().getValueAtPercentile(50), 5);
    assertEquals(9_900, r.corrected().getValueAtPercentile(99), 10);
    assertEquals(9_990, r.corrected().getValueAtPercentile(99.9), 10);
  }

  @Test
  void countsFailuresWithoutALatency() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(0, 0, 5 * MS, false);

    assertEquals(1, r.failed());
    assertEquals(0, r.corrected().getTotalCount());
  }
}
