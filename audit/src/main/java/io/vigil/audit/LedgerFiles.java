package io.vigil.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ledger's files read as bytes, before SQLite opens them: the database header (its magic, its
 * page size at offset 16, its page count at offset 28), the 32-byte header of its write-ahead log
 * (magic 0x377f0682 or 0x377f0683, format 3007000, page size, checksum), and whether a database
 * that is missing or empty left a write-ahead log or sealed segments behind.
 *
 * <p>SQLite would not refuse what this refuses: it discards a WAL whose header it cannot read, and
 * the entries committed in it with it; it replays a WAL of another database onto this one; it reads
 * the missing pages of a truncated file as empty; and it creates a new, empty database where the
 * file was deleted.
 */
final class LedgerFiles {

  static final int DB_HEADER_BYTES = 100;
  static final int WAL_HEADER_BYTES = 32;
  private static final byte[] DB_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int WAL_MAGIC_LE = 0x377f0682;
  private static final int WAL_MAGIC_BE = 0x377f0683;
  private static final int WAL_FORMAT = 3007000;

  /** How often a WAL header that looks wrong is read again: a writer may be rewriting it. */
  private static final int WAL_READS = 3;

  private LedgerFiles() {}

  /**
   * What the inspection found.
   *
   * @param exists whether the database file exists
   * @param walHasFrames whether the write-ahead log holds more than its header: the ledger was not
   *     closed cleanly, or is open
   */
  record Inspection(boolean exists, boolean walHasFrames) {}

  static Path wal(Path database) {
    return database.resolveSibling(database.getFileName() + "-wal");
  }

  static Path shm(Path database) {
    return database.resolveSibling(database.getFileName() + "-shm");
  }

  /**
   * Checks the files of the ledger; {@code writerExcluded} when the caller holds the writer lock,
   * so that no checkpoint can be copying pages while the file's size is compared with its header.
   *
   * @throws AuditException {@code DAMAGED} naming what is wrong
   */
  static Inspection inspect(Path database, Path segmentDirectory, boolean writerExcluded) {
    try {
      Path wal = wal(database);
      long walLength = length(wal);
      List<Path> segments = segmentFiles(segmentDirectory);
      if (!Files.exists(database)) {
        if (walLength > 0 || !segments.isEmpty()) {
          throw Damage.of(
              database,
              "the database file is missing but "
                  + leftovers(wal, walLength, segments, segmentDirectory)
                  + " remain: the ledger was deleted or moved, and a new one would restart its"
                  + " history from nothing");
        }
        return new Inspection(false, false);
      }
      long length = Files.size(database);
      boolean walHasFrames = walLength > WAL_HEADER_BYTES;
      if (length == 0) {
        if (!walHasFrames && !segments.isEmpty()) {
          throw Damage.of(
              database,
              "the database file is empty but "
                  + leftovers(wal, walLength, segments, segmentDirectory)
                  + " remain: the ledger was emptied, and a new one would restart its history");
        }
        walProblem(database, 0).ifPresent(p -> fail(database, p));
        return new Inspection(true, walHasFrames);
      }
      int pageSize = pageSize(database, length);
      if (length % pageSize != 0) {
        throw Damage.of(
            database,
            "its size, "
                + length
                + " bytes, is not a whole number of "
                + pageSize
                + "-byte pages: the file was cut short");
      }
      walProblem(database, pageSize).ifPresent(p -> fail(database, p));
      if (walLength < 0 || (writerExcluded && !walHasFrames)) {
        // No frames to replay: the file alone is the database, and its header counts its pages.
        checkPageCount(database, length, pageSize);
      }
      return new Inspection(true, walHasFrames);
    } catch (IOException e) {
      throw new AuditException(
          AuditException.Code.READ_FAILED,
          "could not read the ledger's files next to " + database + ": " + e.getMessage(),
          e);
    }
  }

  /** The sealed segment files in the directory, by name; none if it does not exist. */
  static List<Path> segmentFiles(Path segmentDirectory) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(segmentDirectory)) {
      return files;
    }
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(segmentDirectory, "segment-*.jsonl.gz")) {
      dir.forEach(files::add);
    }
    files.sort(null);
    return files;
  }

  /**
   * What is wrong with the write-ahead log's header, if anything; {@code pageSize} is the
   * database's, or 0 where the database file is still empty.
   */
  static Optional<String> walProblem(Path database, int pageSize) throws IOException {
    Optional<String> problem = Optional.empty();
    for (int read = 0; read < WAL_READS; read++) {
      problem = walHeaderProblem(wal(database), pageSize);
      if (problem.isEmpty()) {
        return problem;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return problem;
  }

  private static Optional<String> walHeaderProblem(Path wal, int pageSize) throws IOException {
    byte[] h;
    try (InputStream in = Files.newInputStream(wal)) {
      h = in.readNBytes(WAL_HEADER_BYTES);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String subject = "its write-ahead log " + wal;
    if (h.length == 0) {
      return Optional.empty();
    }
    if (h.length < WAL_HEADER_BYTES) {
      return Optional.of(
          subject + " has " + h.length + " bytes, less than a write-ahead log's 32-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN);
    int magic = b.getInt(0);
    if (magic != WAL_MAGIC_LE && magic != WAL_MAGIC_BE) {
      return Optional.of(subject + " does not start with a write-ahead log header");
    }
    if (b.getInt(4) != WAL_FORMAT) {
      return Optional.of(
          subject + " has format " + Integer.toUnsignedString(b.getInt(4)) + ", not 3007000");
    }
    if (!checksumMatches(h, magic == WAL_MAGIC_BE)) {
      return Optional.of(
          subject
              + " has a header whose checksum does not match: SQLite would discard it, and the"
              + " entries committed in it with it");
    }
    int walPageSize = b.getInt(8);
    if (pageSize > 0 && walPageSize != pageSize) {
      return Optional.of(
          subject
              + " is for pages of "
              + Integer.toUnsignedString(walPageSize)
              + " bytes and the database's are "
              + pageSize
              + ": it belongs to another database");
    }
    return Optional.empty();
  }

  /** SQLite's WAL checksum over the header's first 24 bytes, against the two words after them. */
  private static boolean checksumMatches(byte[] header, boolean bigEndian) {
    ByteBuffer words =
        ByteBuffer.wrap(header).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int s0 = 0;
    int s1 = 0;
    for (int i = 0; i < 24; i += 8) {
      s0 += words.getInt(i) + s1;
      s1 += words.getInt(i + 4) + s0;
    }
    ByteBuffer stored = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
    return s0 == stored.getInt(24) && s1 == stored.getInt(28);
  }

  /** The page size from the database header; refuses a file that has no SQLite header. */
  private static int pageSize(Path database, long length) throws IOException {
    if (length < DB_HEADER_BYTES) {
      throw Damage.of(
          database,
          "the file has "
              + length
              + " bytes, less than SQLite's 100-byte header: it was cut short");
    }
    byte[] h = header(database);
    if (!Arrays.equals(h, 0, DB_MAGIC.length, DB_MAGIC, 0, DB_MAGIC.length)) {
      throw Damage.of(database, "it does not start with SQLite's header");
    }
    int raw = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
    int pageSize = raw == 1 ? 65536 : raw;
    if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
      throw Damage.of(
          database, "its header gives a page size of " + raw + ", which SQLite never writes");
    }
    return pageSize;
  }

  private static void checkPageCount(Path database, long length, int pageSize) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(header(database)).order(ByteOrder.BIG_ENDIAN);
    long pages = Integer.toUnsignedLong(b.getInt(28));
    // The count is valid only where the change counter matches the version-valid-for number.
    if (pages != 0 && b.getInt(24) == b.getInt(92) && pages * pageSize > length) {
      throw Damage.of(
          database,
          "its header counts "
              + pages
              + " pages of "
              + pageSize
              + " bytes but the file holds only "
              + length / pageSize
              + ": it was cut short");
    }
  }

  private static byte[] header(Path database) throws IOException {
    try (InputStream in = Files.newInputStream(database)) {
      return in.readNBytes(DB_HEADER_BYTES);
    }
  }

  private static long length(Path file) throws IOException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  private static String leftovers(
      Path wal, long walLength, List<Path> segments, Path segmentDirectory) {
    List<String> parts = new ArrayList<>();
    if (walLength > 0) {
      parts.add("its write-ahead log " + wal + " (" + SqliteErrors.bytes(walLength) + ")");
    }
    if (!segments.isEmpty()) {
      parts.add(segments.size() + " sealed segment files in " + segmentDirectory);
    }
    return String.join(" and ", parts);
  }

  private static void fail(Path database, String problem) {
    throw Damage.of(database, problem);
  }
}
