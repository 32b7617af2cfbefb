package io.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time of a Linux process's threads, by kind of thread, from {@code /proc/<pid>/task}: what
 * each costs with its native code and the kernel's work on its behalf (the ledger's SQLite and
 * fsync, the sockets' system calls), which a JFR profile does not show. JFR's execution samples
 * also count a thread preempted while in Java as running, so on a machine with fewer cores than
 * busy threads they overstate the busiest; this is the measure to split the CPU per request by.
 */
final class ThreadCpu {

  /**
   * Clock ticks per second of {@code utime} and {@code stime}: USER_HZ, 100 on Linux x86 and ARM.
   */
  static final int TICKS_PER_SECOND = 100;

  private ThreadCpu() {}

  /** Clock ticks spent so far by the threads of {@code pid}, summed by {@link #kind}. */
  static Map<String, Long> ticks(long pid) {
    Map<String, Long> byKind = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          long ticks = ticks(Files.readString(task.resolve("stat")));
          byKind.merge(kind(comm), ticks, Long::sum);
        } catch (IOException e) {
          // the thread ended between the listing and the read: its time is no longer counted
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list the threads of process " + pid, e);
    }
    return byKind;
  }

  /** {@code utime + stime} of one {@code stat} line: fields 14 and 15, counted after the name. */
  static long ticks(String stat) {
    // The name (field 2) is in parentheses and may hold spaces and parentheses itself.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * A thread's kind: its name (as the kernel keeps it, 15 characters at most) without the number
   * that tells threads of one kind apart: {@code vert.x-eventloo}, {@code C2 CompilerThre}, {@code
   * GC Thread}.
   */
  static String kind(String comm) {
    String k = comm.replaceAll("[-#_ ]?[0-9]+$", "");
    return k.isEmpty() ? comm : k;
  }

  /**
   * Microseconds of CPU per request by kind between two readings, over {@code requests}, the kinds
   * that spent at least 0.1 µs, the largest first; "all" holds the total.
   */
  static Map<String, Double> perRequestUs(
      Map<String, Long> before, Map<String, Long> after, long requests) {
    List<Map.Entry<String, Double>> kinds = new ArrayList<>();
    double all = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long spent = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      double us = spent * 1e6 / TICKS_PER_SECOND / requests;
      all += us;
      if (us >= 0.1) {
        kinds.add(Map.entry(e.getKey(), us));
      }
    }
    kinds.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    Map<String, Double> out = new LinkedHashMap<>();
    kinds.forEach(e -> out.put(e.getKey(), e.getValue()));
    out.put("all", all);
    return out;
  }

  /** The split in words: {@code vert.x-eventloo 38.4 µs, vigil-ledger-wr 22.0 µs, ...}. */
  static String describe(Map<String, Double> perRequestUs) {
    List<String> parts = new ArrayList<>();
    perRequestUs.forEach(
        (kind, us) -> {
          if (!kind.equals("all")) {
            parts.add(kind + " " + Fmt.micros(us));
          }
        });
    return String.join(", ", parts);
  }
}
