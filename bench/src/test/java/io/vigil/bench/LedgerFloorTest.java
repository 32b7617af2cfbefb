package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerFloorTest {

  @TempDir Path work;

  @Test
  void appendsAtTheRateInAJvmOfItsOwnAndReadsBackItsLatencyAndCommits() throws Exception {
    Row r =
        LedgerFloor.measure(
            List.of(),
            work,
            "L/test",
            400,
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            "the ledger alone");

    assertEquals("L/test", r.id());
    assertEquals(400, r.get("target_rate"), 1e-9);
    // Every append of the measured second got its receipt, each after its entry's fsync.
    assertEquals(400, r.get("achieved_rate"), 4);
    assertTrue(r.get("p50_us") > 0 && r.get("p50_us") <= r.get("p99_us"), r.toString());
    assertTrue(r.get("p99_us") <= r.get("max_us"), r.toString());
    assertTrue(r.get("commits") >= 1 && r.get("entries_per_commit") >= 1, r.toString());
    assertTrue(r.get("slow_commits") <= r.get("commits"), r.toString());
    assertTrue(r.note().endsWith("commits took over 3 ms"), r.note());
    try (var left = Files.list(work)) {
      assertEquals(
          List.of("ledger-floor.log"),
          left.map(x -> x.getFileName().toString()).toList(),
          "the ledger it wrote is deleted, its log kept");
    }
  }

  @Test
  void aJvmThatPrintsNoResultIsAnErrorThatNamesItsLog() {
    // "false" stands in for the launcher (taskset): it exits at once without starting the JVM.
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                LedgerFloor.measure(
                    List.of("false"),
                    work,
                    "L/test",
                    400,
                    Duration.ofMillis(100),
                    Duration.ofMillis(100),
                    "the ledger alone"));

    assertTrue(e.getMessage().contains("printed no result"), e.getMessage());
    assertTrue(e.getMessage().contains("ledger-floor.log"), e.getMessage());
  }

  @Test
  void takesTheDurabilityInEitherCaseAndNamesAWrongOne() {
    assertEquals(Durability.NORMAL, LedgerFloor.durability("normal"));
    assertEquals(Durability.FULL, LedgerFloor.durability("FULL"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LedgerFloor.durability("off"));
    assertEquals("--durability must be full or normal, got: off", e.getMessage());
  }
}
