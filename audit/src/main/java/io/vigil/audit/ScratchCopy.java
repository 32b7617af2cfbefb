package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A ledger's database, and its write-ahead log if asked for, seen through hard links in a scratch
 * folder next to it, for SQLite to read on a read-only connection while the files themselves, and
 * their {@code -shm}, stay exactly as they are. Closing removes the folder and its links.
 */
final class ScratchCopy implements AutoCloseable {

  private final Path folder;
  private final Path database;

  private ScratchCopy(Path folder, Path database) {
    this.folder = folder;
    this.database = database;
  }

  /**
   * Links the database (and its WAL if {@code withWal} and it exists); where links are not
   * possible, copies them if {@code copyIfNeeded}, else fails.
   */
  static ScratchCopy of(Path database, boolean withWal, boolean copyIfNeeded) throws IOException {
    Path folder = Files.createTempDirectory(SqliteErrors.folder(database), ".vigil-scratch-");
    ScratchCopy copy = new ScratchCopy(folder, folder.resolve(database.getFileName()));
    try {
      link(database, copy.database, copyIfNeeded);
      Path wal = LedgerFiles.wal(database);
      if (withWal && Files.isRegularFile(wal)) {
        link(wal, LedgerFiles.wal(copy.database), copyIfNeeded);
      }
      return copy;
    } catch (IOException | RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /** The database in the scratch folder. */
  Path database() {
    return database;
  }

  private static void link(Path from, Path to, boolean copyIfNeeded) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (IOException | UnsupportedOperationException e) {
      if (!copyIfNeeded) {
        throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      }
      Files.copy(from, to);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a scratch folder left behind holds only links
    }
  }
}
