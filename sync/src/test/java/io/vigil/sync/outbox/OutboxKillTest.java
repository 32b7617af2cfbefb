package io.vigil.sync.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real appending process with SIGKILL and checks that every returned row survived. */
class OutboxKillTest {

  private static final int KILLS = 3;

  @TempDir Path dir;

  @Test
  void losesNoRowThatAppendReturnedForWhenKilledMinus9() throws Exception {
    Set<Long> acknowledged = new HashSet<>();
    long highest = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AppendingProcess.class.getName(),
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      List<String> other = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        int seen = 0;
        String line;
        // Killed in the middle of appends: after a few hundred, with more under way.
        while (seen < 300 + 100 * kill && (line = r.readLine()) != null) {
          if (line.startsWith("appended ")) {
            long seq = Long.parseLong(line.substring("appended ".length()));
            assertTrue(seq > highest, "seq " + seq + " after " + highest);
            highest = seq;
            acknowledged.add(seq);
            seen++;
          } else {
            other.add(line);
          }
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL; it printed " + other);
      }
    }
    try (Outbox box = Outbox.open(OutboxOptions.defaults(dir))) {
      Set<Long> stored = new HashSet<>();
      box.next(Integer.MAX_VALUE).forEach(row -> stored.add(row.seq()));
      Set<Long> missing = new HashSet<>(acknowledged);
      missing.removeAll(stored);
      assertEquals(Set.of(), missing, "appended rows lost across kill -9");
      assertTrue(box.append(Kind.SUMMARY, "summary", new byte[] {'1'}, Priority.ROUTINE) > highest);
    }
  }
}
