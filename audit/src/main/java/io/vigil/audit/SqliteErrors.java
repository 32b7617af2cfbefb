package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteException;

/**
 * What an SQLite failure means for the ledger, in the words of the person who must act on it: a
 * full disk is {@code DISK_FULL} and says how much is free, a damaged file is {@code DAMAGED} and
 * says what to run, anything else is {@code WRITE_FAILED} with SQLite's own error and its extended
 * code.
 */
final class SqliteErrors {

  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_NOTADB = 26;

  private SqliteErrors() {}

  /** The primary result code of an SQLite failure in the cause chain, or -1 if there is none. */
  static int primaryCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s && s.getResultCode().code > 0) {
        return s.getResultCode().code & 0xff;
      }
      if (t instanceof SQLException s && s.getErrorCode() > 0) {
        return s.getErrorCode() & 0xff;
      }
    }
    return -1;
  }

  /** Whether SQLite found the file damaged: {@code SQLITE_CORRUPT} or {@code SQLITE_NOTADB}. */
  static boolean damaged(Throwable e) {
    int code = primaryCode(e);
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
  }

  /**
   * The failure of a write: {@code what} says what could not be done ("could not commit entries
   * 82..82 to /var/lib/vigil/audit.db"); a failure that is already coded keeps its code.
   */
  static AuditException write(String what, Path database, Throwable e) {
    if (e instanceof AuditException a
        && a.code() != AuditException.Code.WRITE_FAILED
        && a.code() != AuditException.Code.READ_FAILED) {
      return a;
    }
    int code = primaryCode(e);
    if (code == SQLITE_FULL) {
      return diskFull(database, e);
    }
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
      return Damage.of(database, "SQLite reports " + message(e), e);
    }
    return new AuditException(AuditException.Code.WRITE_FAILED, what + ": " + message(e), e);
  }

  /** {@code DISK_FULL}, naming the folder that holds the database and the space left on it. */
  static AuditException diskFull(Path database, Throwable cause) {
    Path folder = folder(database);
    String free;
    try {
      free = bytes(Files.getFileStore(folder).getUsableSpace()) + " free";
    } catch (IOException e) {
      free = "free space unknown: " + e.getMessage();
    }
    return new AuditException(
        AuditException.Code.DISK_FULL,
        "the disk holding "
            + folder
            + " is full ("
            + free
            + "): the ledger cannot record predictions until space is freed",
        cause);
  }

  /** The folder that holds the database. */
  static Path folder(Path database) {
    Path parent = database.toAbsolutePath().getParent();
    return parent == null ? database.toAbsolutePath() : parent;
  }

  /** SQLite's message, which names its result code ({@code [SQLITE_IOERR_FSYNC] ...}). */
  static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getMessage() == null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** A size as a person reads it: 0 B, 512 B, 12 KiB, 3.4 MiB, 1.2 GiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return (n / 1024) + " KiB";
    }
    String[] units = {"MiB", "GiB", "TiB"};
    double value = n / (1024.0 * 1024.0);
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
