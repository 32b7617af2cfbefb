package io.vigil.gateway;

import io.vigil.gateway.config.Units;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Watches the free space of the disk that holds the data directory, so that hospital IT hears of a
 * filling disk (log, readiness, {@code /metrics}) well before the ledger stops on a full one.
 */
final class DiskWatch {

  private static final Logger LOG = System.getLogger(DiskWatch.class.getName());

  private final Path dir;
  private final long minFreeBytes;
  private volatile long freeBytes = -1;
  private volatile boolean low;

  DiskWatch(Path dir, long minFreeBytes) {
    this.dir = dir.toAbsolutePath().normalize();
    this.minFreeBytes = minFreeBytes;
  }

  /** Reads the free space again; logs once when it falls below the minimum and once when back. */
  void check() {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read the free space of " + dir + ": " + e.getMessage());
      return;
    }
    freeBytes = free;
    boolean nowLow = free < minFreeBytes;
    if (nowLow && !low) {
      LOG.log(Level.WARNING, warning().orElseThrow());
    } else if (!nowLow && low) {
      LOG.log(
          Level.INFO,
          "the disk holding "
              + dir
              + " has "
              + Units.describeSize(free)
              + " free again, above audit.min-free-space ("
              + Units.describeSize(minFreeBytes)
              + ")");
    }
    low = nowLow;
  }

  /** The warning while the disk is below the minimum, in the words of whoever must act on it. */
  Optional<String> warning() {
    if (!low && !(freeBytes >= 0 && freeBytes < minFreeBytes)) {
      return Optional.empty();
    }
    return Optional.of(
        "the disk holding "
            + dir
            + " has "
            + Units.describeSize(freeBytes)
            + " free, below audit.min-free-space ("
            + Units.describeSize(minFreeBytes)
            + "): free space or lower audit.keep-entries before the ledger fills it and every"
            + " model answers 503");
  }

  /** The free bytes at the last check; -1 before the first. */
  long freeBytes() {
    return freeBytes;
  }

  /** The configured minimum. */
  long minFreeBytes() {
    return minFreeBytes;
  }

  /** The directory watched. */
  Path dir() {
    return dir;
  }
}
