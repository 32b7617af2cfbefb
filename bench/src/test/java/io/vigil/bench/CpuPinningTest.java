package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuPinningTest {

  @Test
  void readsTasksetsCpuLists() {
    assertEquals(List.of(0, 1, 2, 3, 6, 8, 9), CpuPinning.cpus("0-3,6,8-9"));
    assertEquals(List.of(5), CpuPinning.cpus(" 5 "));
    assertEquals(List.of(), CpuPinning.cpus(""));
    assertThrows(IllegalArgumentException.class, () -> CpuPinning.cpus("3-1"));
    assertThrows(IllegalArgumentException.class, () -> CpuPinning.cpus("a"));
  }

  @Test
  void readsTheAllowedCpusFromProcStatus() {
    String status = "Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n";

    assertEquals("0-1", CpuPinning.allowedList(status).orElseThrow());
    assertTrue(CpuPinning.allowedList("Name:\tjava\n").isEmpty());
  }

  @Test
  void putsTheGatewayOnTheFirstAllowedCpuAndTheGeneratorOnTheSecond() {
    CpuPinning plan = CpuPinning.plan(true, "4-7");

    assertTrue(plan.possible());
    assertEquals(4, plan.gatewayCpu());
    assertEquals(5, plan.generatorCpu());
    assertEquals(List.of("taskset", "-c", "5"), plan.generatorLauncher());
    assertTrue(plan.note().startsWith("gateway JVM on CPU 4, generator JVM on CPU 5"), plan.note());
  }

  @Test
  void saysItCouldNotPinOnOneCpu() {
    CpuPinning plan = CpuPinning.plan(true, "0");

    assertFalse(plan.possible());
    assertEquals(List.of(), plan.generatorLauncher());
    assertEquals("could not pin: 1 CPU(s) allowed to this run (0), two are needed", plan.note());
    assertThrows(IllegalStateException.class, () -> plan.pinGateway(1));
  }

  @Test
  void saysItCouldNotPinWithoutTaskset() {
    CpuPinning plan = CpuPinning.plan(false, "0-1");

    assertFalse(plan.possible());
    assertTrue(plan.note().contains("no taskset on the PATH (Debian package util-linux)"));
  }

  @Test
  void saysItCouldNotPinOnAnUnreadableList() {
    assertEquals("could not pin: unreadable CPU list 'x-y'", CpuPinning.plan(true, "x-y").note());
  }
}
