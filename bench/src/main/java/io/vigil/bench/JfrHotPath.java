package io.vigil.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording and summarizes where the gateway's Java threads spent their CPU: the top
 * frames of {@code jdk.ExecutionSample}, the same grouped by area (Netty, Vert.x, Vigil, Jackson,
 * ONNX Runtime's Java side, the JDK), the innermost Vigil method on each stack, and the samples of
 * threads inside ONNX Runtime's native run.
 */
final class JfrHotPath {

  private JfrHotPath() {}

  /** Human-readable lines, best first. */
  static List<String> summarize(Path recording, int top) throws IOException {
    Map<String, Integer> selfFrames = new HashMap<>();
    Map<String, Integer> areas = new HashMap<>();
    Map<String, Integer> vigilFrames = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    int samples = 0;
    int nativeOrt = 0;
    long allocated = 0;
    int gcs = 0;
    double gcMillis = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      String type = e.getEventType().getName();
      if (type.equals("jdk.GarbageCollection")) {
        gcs++;
        gcMillis += e.getDuration("sumOfPauses").toNanos() / 1e6;
        continue;
      }
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      if (type.equals("jdk.NativeMethodSample")) {
        if (method(stack.getFrames().get(0)).startsWith("ai.onnxruntime.")) {
          nativeOrt++;
        }
        continue;
      }
      if (type.equals("jdk.ObjectAllocationSample")) {
        long weight = e.getLong("weight");
        allocated += weight;
        allocations.merge(firstNonJdk(stack), weight, Long::sum);
        continue;
      }
      if (!type.equals("jdk.ExecutionSample")) {
        continue;
      }
      samples++;
      String self = method(stack.getFrames().get(0));
      selfFrames.merge(self, 1, Integer::sum);
      areas.merge(area(self), 1, Integer::sum);
      threads.merge(threadGroup(e), 1, Integer::sum);
      for (RecordedFrame f : stack.getFrames()) {
        String m = method(f);
        if (m.startsWith("io.vigil.")) {
          vigilFrames.merge(m, 1, Integer::sum);
          break;
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        samples
            + " Java CPU samples (jdk.ExecutionSample); "
            + nativeOrt
            + " samples of threads inside ONNX Runtime native code (jdk.NativeMethodSample)");
    lines.add("By thread: " + inline(threads, samples, 6));
    lines.add("By area of the top frame: " + inline(areas, samples, 10));
    lines.add("Top frames (self):");
    lines.addAll(listed(selfFrames, samples, top));
    lines.add("Innermost Vigil method on the stack (inclusive):");
    lines.addAll(listed(vigilFrames, samples, top / 2));
    lines.add(
        String.format(
            Locale.ROOT,
            "Allocation (jdk.ObjectAllocationSample, estimated %.0f MB); GC: %d collections,"
                + " %.0f ms of pauses. Top allocating frames outside the JDK:",
            allocated / 1e6,
            gcs,
            gcMillis));
    List<Map.Entry<String, Long>> alloc = new ArrayList<>(allocations.entrySet());
    alloc.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (Map.Entry<String, Long> en : alloc.subList(0, Math.min(top / 2, alloc.size()))) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %5.1f%%  %s",
              allocated == 0 ? 0 : 100.0 * en.getValue() / allocated,
              en.getKey()));
    }
    return lines;
  }

  /** The innermost frame outside the JDK: the library code that asked for the memory. */
  private static String firstNonJdk(RecordedStackTrace stack) {
    for (RecordedFrame f : stack.getFrames()) {
      String m = method(f);
      if (!m.startsWith("java.") && !m.startsWith("jdk.") && !m.startsWith("sun.")) {
        return m;
      }
    }
    return method(stack.getFrames().get(0));
  }

  private static String method(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  /** Groups a frame by the library it belongs to. */
  static String area(String method) {
    String[][] prefixes = {
      {"io.netty.", "Netty"},
      {"io.vertx.", "Vert.x"},
      {"io.vigil.", "Vigil"},
      {"com.fasterxml.jackson.", "Jackson"},
      {"ai.onnxruntime.", "ONNX Runtime (Java side)"},
      {"sun.nio.", "JDK NIO"},
      {"java.util.concurrent.", "JDK concurrency"},
      {"java.", "JDK other"},
      {"jdk.", "JDK other"},
      {"sun.", "JDK other"},
    };
    for (String[] p : prefixes) {
      if (method.startsWith(p[0])) {
        return p[1];
      }
    }
    return "other";
  }

  private static String threadGroup(RecordedEvent e) {
    String name =
        e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
    if (name == null) {
      return "?";
    }
    // Numbered threads of one pool count as one.
    return name.replaceAll("-\\d+$", "-N");
  }

  private static String inline(Map<String, Integer> counts, int total, int top) {
    List<String> parts = new ArrayList<>();
    sorted(counts).stream()
        .limit(top)
        .forEach(en -> parts.add(en.getKey() + " " + percent(en.getValue(), total)));
    return String.join(", ", parts);
  }

  private static List<String> listed(Map<String, Integer> counts, int total, int top) {
    List<String> lines = new ArrayList<>();
    sorted(counts).stream()
        .limit(top)
        .forEach(en -> lines.add("  " + percent(en.getValue(), total) + "  " + en.getKey()));
    return lines;
  }

  private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> counts) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    return list;
  }

  private static String percent(int n, int total) {
    return String.format(Locale.ROOT, "%5.1f%%", total == 0 ? 0 : 100.0 * n / total);
  }
}
