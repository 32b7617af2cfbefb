package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsyncProbeTest {

  @TempDir Path dir;

  @Test
  void stopsAtTheSampleBoundAndLeavesNoFile() throws IOException {
    Row r = FsyncProbe.measure(dir, Duration.ofMinutes(1), 30);

    assertEquals("fsync", r.id());
    assertEquals(30, r.get("samples"));
    assertTrue(r.get("p50_us") <= r.get("p90_us"), r.toString());
    assertTrue(r.get("p90_us") <= r.get("p99_us"), r.toString());
    assertTrue(r.get("p99_us") <= r.get("max_us"), r.toString());
    assertTrue(r.note().startsWith("30 fsyncs in "), r.note());
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void stopsAtTheDurationWithAtLeastOneSample() throws IOException {
    Row r = FsyncProbe.measure(dir, Duration.ZERO, 1_000_000);

    assertEquals(1, r.get("samples"));
  }

  @Test
  void refusesABoundBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> FsyncProbe.measure(dir, Duration.ZERO, 0));
  }
}
