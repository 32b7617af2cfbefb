package io.vigil.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Random;

/** The damage a hospital box's disk does to a ledger's files, done to them on purpose. */
final class Damages {

  private Damages() {}

  static int pageSize(Path database) throws IOException {
    byte[] h = Files.readAllBytes(database);
    int raw = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
    return raw == 1 ? 65536 : raw;
  }

  /**
   * Overwrites, with random bytes, the page of the file that holds this text; returns its number.
   */
  static long garblePageHolding(Path database, String text) throws IOException {
    byte[] bytes = Files.readAllBytes(database);
    int at = indexOf(bytes, text.getBytes(StandardCharsets.UTF_8));
    if (at < 0) {
      throw new IllegalStateException(text + " is not in " + database);
    }
    int pageSize = pageSize(database);
    long page = at / pageSize;
    byte[] garbage = new byte[pageSize];
    new Random(page).nextBytes(garbage);
    try (FileChannel ch = FileChannel.open(database, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(garbage), page * pageSize);
    }
    return page + 1;
  }

  /** Cuts the file to this fraction of its length, at a page boundary or not. */
  static void truncate(Path database, double fraction, boolean atPageBoundary) throws IOException {
    long length = Files.size(database);
    long cut = (long) (length * fraction);
    if (atPageBoundary) {
      cut -= cut % pageSize(database);
    }
    try (FileChannel ch = FileChannel.open(database, StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }
  }

  /**
   * The write-ahead log of another SQLite database with this page size, as it is while that
   * database is open; copied to {@code target}.
   */
  static void foreignWal(Path scratch, int pageSize, Path target) throws IOException, SQLException {
    Path other = scratch.resolve("other-" + pageSize + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
      Sqlite.exec(c, "PRAGMA page_size = " + pageSize);
      Sqlite.exec(c, "PRAGMA journal_mode = WAL");
      Sqlite.exec(c, "PRAGMA wal_autocheckpoint = 0");
      Sqlite.exec(c, "CREATE TABLE t(x BLOB)");
      for (int i = 0; i < 50; i++) {
        Sqlite.exec(c, "INSERT INTO t VALUES (randomblob(1000))");
      }
      Files.copy(LedgerFiles.wal(other), target);
    }
  }

  /** Copies the database and its WAL of a ledger that is open, as a kill -9 would leave them. */
  static void copyAsLeftByACrash(Path database, Path intoDir) throws IOException {
    Files.createDirectories(intoDir);
    Files.copy(database, intoDir.resolve(database.getFileName()));
    Path wal = LedgerFiles.wal(database);
    Files.copy(wal, LedgerFiles.wal(intoDir.resolve(database.getFileName())));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
