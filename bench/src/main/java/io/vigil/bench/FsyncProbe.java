package io.vigil.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The disk's fsync, timed in the run's work folder, on the filesystem that holds the gateways'
 * data: a small block appended to a file and {@code FileChannel.force(true)}, again and again, as a
 * ledger commit appends to SQLite's WAL and waits for its fsync. Its p50 is the "fsync period" in
 * which issue 19 measures the ledger's wait.
 */
final class FsyncProbe {

  /** The block written before each fsync: one page, as a commit of a few entries writes. */
  static final int BLOCK_BYTES = 4096;

  /** The file starts again from its beginning past this size, as a checkpointed WAL is reused. */
  static final long WRAP_BYTES = 4L << 20;

  /** Fsyncs made and not recorded first: the file's first blocks also allocate its extent. */
  static final int UNRECORDED = 20;

  private FsyncProbe() {}

  /**
   * Fsyncs for {@code duration} (at least once) or {@code maxSamples} times, whichever ends first,
   * in a file made in {@code dir} and deleted after; the row {@code fsync} with p50, p90, p99, max
   * and mean in µs (fractional: timed in nanoseconds).
   */
  static Row measure(Path dir, Duration duration, int maxSamples) throws IOException {
    if (maxSamples < 1) {
      throw new IllegalArgumentException("maxSamples < 1");
    }
    // Nanoseconds: a filesystem that does not sync (tmpfs) answers in well under a microsecond.
    Histogram nanos = new Histogram(LatencyRecorder.HIGHEST_MICROS * 1_000, 3);
    Path file = Files.createTempFile(dir, "fsync-", ".probe");
    String filesystem = describe(dir);
    ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
    for (int i = 0; i < BLOCK_BYTES; i++) {
      block.put(i, (byte) i);
    }
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long position = 0;
      for (int i = 0; nanos.getTotalCount() < maxSamples; i++) {
        if (nanos.getTotalCount() > 0 && System.nanoTime() >= end) {
          break;
        }
        block.clear();
        while (block.hasRemaining()) {
          position += channel.write(block, position);
        }
        long before = System.nanoTime();
        channel.force(true);
        long took = System.nanoTime() - before;
        if (i >= UNRECORDED) {
          nanos.recordValue(Math.min(nanos.getHighestTrackableValue(), Math.max(0, took)));
        }
        if (position >= WRAP_BYTES) {
          position = 0;
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("samples", (double) nanos.getTotalCount());
    m.put("p50_us", nanos.getValueAtPercentile(50) / 1e3);
    m.put("p90_us", nanos.getValueAtPercentile(90) / 1e3);
    m.put("p99_us", nanos.getValueAtPercentile(99) / 1e3);
    m.put("max_us", nanos.getMaxValue() / 1e3);
    m.put("mean_us", nanos.getMean() / 1e3);
    return new Row(
        "fsync",
        "the disk's fsync: "
            + BLOCK_BYTES / 1024
            + " KiB appended, then FileChannel.force(true), in the run's work folder",
        m,
        String.format(
            java.util.Locale.ROOT,
            "%d fsyncs in %.1f s on %s, the gateways' filesystem; max %s; the ledger's wait is"
                + " counted in its p50",
            nanos.getTotalCount(),
            seconds,
            filesystem,
            Fmt.latency(nanos.getMaxValue() / 1e3)));
  }

  private static String describe(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.type() + " (" + store.name() + ")";
    } catch (IOException e) {
      return "an unknown filesystem";
    }
  }
}
