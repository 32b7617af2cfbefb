package io.vigil.sync.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link OutboxKillTest}: appends rows until it is killed and prints each sequence
 * number once {@link Outbox#append} returned it.
 */
public final class AppendingProcess {

  private AppendingProcess() {}

  public static void main(String[] args) {
    try (Outbox box = Outbox.open(OutboxOptions.defaults(Path.of(args[0])))) {
      for (long i = 0; ; i++) {
        Priority p = i % 5 == 0 ? Priority.SAFETY : Priority.ROUTINE;
        Kind k = p == Priority.SAFETY ? Kind.EVENT : Kind.SUMMARY;
        long seq =
            box.append(k, "summary", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), p);
        System.out.println("appended " + seq);
        System.out.flush();
      }
    }
  }
}
