package io.vigil.sync.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures appends per second (one row per transaction and batched) and the time to read 10,000
 * unsent rows; run by hand, never by the build (timing belongs in {@code bench}).
 */
public final class OutboxMeasure {

  private OutboxMeasure() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("outbox-measure");
    byte[] payload = new byte[2048];
    int single = 3000;
    int batches = 300;
    int batch = 100;
    for (int round = 0; round < 2; round++) {
      try (Outbox box = Outbox.open(OutboxOptions.defaults(dir.resolve("r" + round)))) {
        long t0 = System.nanoTime();
        for (int i = 0; i < single; i++) {
          box.append(Kind.SUMMARY, "summary", payload, Priority.ROUTINE);
        }
        long t1 = System.nanoTime();
        List<Outgoing> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          rows.add(new Outgoing(Kind.EVENT, "events", payload, Priority.ROUTINE));
        }
        for (int i = 0; i < batches; i++) {
          box.appendAll(rows);
        }
        long t2 = System.nanoTime();
        long rowsHeld = box.stats().rows();
        long t3 = System.nanoTime();
        int read = box.next(10_000).size();
        long t4 = System.nanoTime();
        System.out.printf(
            "round %d: %,.0f appends/s one per transaction; %,.0f rows/s in batches of %d;"
                + " next(10000) read %d of %d rows in %.1f ms%n",
            round,
            single / ((t1 - t0) / 1e9),
            batches * batch / ((t2 - t1) / 1e9),
            batch,
            read,
            rowsHeld,
            (t4 - t3) / 1e6);
      }
    }
  }
}
