package io.vigil.gateway.doctor;

import io.vigil.audit.AuditException;
import io.vigil.audit.LedgerOptions;
import io.vigil.gateway.config.Units;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Free space on the data directory's disk against {@code audit.min-free-space} (below it the
 * gateway's disk watch warns, and at zero every model answers 503), and how many days of entries
 * still fit at the ledger's own pace: entries a day from its first and last entries' times, bytes
 * an entry from its files.
 */
final class DiskCheck implements Check {

  static final String NAME = "disk";

  /** Fewer days of headroom than this is a warning: time to order a disk or free space. */
  static final long HEADROOM_WARNING_DAYS = 30;

  /** Less history than this gives no pace worth extrapolating. */
  static final Duration MIN_HISTORY = Duration.ofHours(1);

  @Override
  public List<Finding> run(Installation in) {
    Path dir = existing(in.dataDir());
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return List.of(
          Finding.warn(
              NAME, "cannot read the free space of " + dir + ": " + e, "run: df -h " + dir));
    }
    long min = in.config().audit().minFreeSpace();
    List<Finding> out = new ArrayList<>();
    String freeText = dir + " has " + Units.describeSize(free) + " free";
    String fix =
        "free space on the disk of "
            + dir
            + " (run: du -sh "
            + dir
            + "/*), or edit "
            + in.configName()
            + ": audit.min-free-space";
    if (free < min) {
      out.add(
          Finding.fail(
              NAME,
              freeText + ", below audit.min-free-space (" + Units.describeSize(min) + ")",
              fix));
    } else {
      out.add(
          Finding.ok(
              NAME, freeText + ", above audit.min-free-space (" + Units.describeSize(min) + ")"));
    }
    headroom(in, free - min).ifPresent(out::add);
    return out;
  }

  private static Optional<Finding> headroom(Installation in, long spare) {
    Optional<LedgerFacts> facts;
    try {
      facts = LedgerFacts.read(in.database());
    } catch (AuditException e) {
      return Optional.empty();
    }
    if (facts.isEmpty()) {
      return Optional.empty();
    }
    LedgerFacts f = facts.get();
    if (f.size() < 2 || f.first().isEmpty() || f.last().isEmpty()) {
      return Optional.of(Finding.ok(NAME, "the ledger is too young to tell its growth"));
    }
    Duration history = Duration.between(f.first().get(), f.last().get());
    if (history.compareTo(MIN_HISTORY) < 0) {
      return Optional.of(
          Finding.ok(
              NAME, "the ledger holds less than an hour of entries: too young to tell its growth"));
    }
    double perDay = (f.size() - 1) * 86_400_000.0 / history.toMillis();
    double bytesPerEntry = (double) ledgerBytes(in.database()) / f.size();
    double days = Math.max(0, spare) / (perDay * bytesPerEntry);
    String what =
        String.format(
            Locale.ROOT,
            "the ledger grows by about %.0f entries a day at %.0f bytes each: %s more days fit"
                + " above audit.min-free-space",
            perDay,
            bytesPerEntry,
            days >= 36_500 ? "over 100 years of" : String.format(Locale.ROOT, "%.0f", days));
    if (days < HEADROOM_WARNING_DAYS) {
      return Optional.of(
          Finding.warn(
              NAME,
              what,
              "add disk space to "
                  + in.dataDir()
                  + " or move sealed segments ("
                  + LedgerOptions.defaultSegmentDirectory(in.database())
                  + ") to an archive"));
    }
    return Optional.of(Finding.ok(NAME, what));
  }

  /** The database, its write-ahead log and its sealed segments. */
  static long ledgerBytes(Path database) {
    long total = 0;
    for (Path p :
        List.of(
            database,
            database.resolveSibling(database.getFileName() + "-wal"),
            LedgerOptions.defaultSegmentDirectory(database))) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          total += s.filter(Files::isRegularFile).mapToLong(DiskCheck::size).sum();
        } catch (IOException e) {
          // A segment folder that cannot be listed counts as empty: the estimate only gets kinder.
        }
      } else {
        total += size(p);
      }
    }
    return total;
  }

  private static long size(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static Path existing(Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? dir : p;
  }
}
