package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void readsUserAndSystemTicksPastANameWithSpacesAndParentheses() {
    String stat =
        "4242 (C2 (Compiler) 1) S 1 4242 4242 0 -1 4194368 100 0 0 0 1234 56 0 0 20 0 30 0 99 0 0";

    assertEquals(1234 + 56, ThreadCpu.ticks(stat));
  }

  @Test
  void groupsThreadsOfOneKind() {
    assertEquals("vert.x-eventloo", ThreadCpu.kind("vert.x-eventloo"));
    assertEquals("GC Thread", ThreadCpu.kind("GC Thread#1"));
    assertEquals("C2 CompilerThre", ThreadCpu.kind("C2 CompilerThre"));
    assertEquals("pool-2-thread", ThreadCpu.kind("pool-2-thread-13"));
    assertEquals("42", ThreadCpu.kind("42"));
  }

  @Test
  void splitsTheCpuPerRequestLargestFirst() {
    Map<String, Long> before = Map.of("vert.x-eventloo", 100L, "vigil-ledger-wr", 50L, "idle", 7L);
    Map<String, Long> after = Map.of("vert.x-eventloo", 500L, "vigil-ledger-wr", 250L, "idle", 7L);

    Map<String, Double> us = ThreadCpu.perRequestUs(before, after, 100_000);

    assertEquals(List.of("vert.x-eventloo", "vigil-ledger-wr", "all"), List.copyOf(us.keySet()));
    assertEquals(40.0, us.get("vert.x-eventloo"), 1e-9);
    assertEquals(20.0, us.get("vigil-ledger-wr"), 1e-9);
    assertEquals(60.0, us.get("all"), 1e-9);
    assertEquals("vert.x-eventloo 40.0 µs, vigil-ledger-wr 20.0 µs", ThreadCpu.describe(us));
  }

  @Test
  void readsTheTimeOfThisProcessesOwnThreads() throws Exception {
    java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread burner =
        new Thread(
            () -> {
              java.lang.management.ThreadMXBean mx =
                  java.lang.management.ManagementFactory.getThreadMXBean();
              long x = 0;
              while (mx.getCurrentThreadCpuTime() < 200_000_000L) {
                x += Long.numberOfTrailingZeros(x + 1);
              }
              burnt.countDown();
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "cpu-burner-7");
    burner.start();
    try {
      burnt.await();

      Map<String, Long> mine = ThreadCpu.ticks(ProcessHandle.current().pid());

      assertTrue(mine.getOrDefault("cpu-burner", 0L) >= 10, "ticks by thread: " + mine);
    } finally {
      done.countDown();
      burner.join();
    }
  }
}
