package io.vigil.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS lock on {@code <database>.lock} held while a ledger is open for writing: a second writer,
 * in this process or another, would interleave sequence numbers.
 */
final class WriterLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static WriterLock acquire(Path database) {
    Path file = database.resolveSibling(database.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new WriterLock(channel, lock);
      }
    } catch (OverlappingFileLockException e) {
      // held in this process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new AuditException(
          AuditException.Code.WRITE_FAILED, "could not lock " + file + ": " + e.getMessage(), e);
    }
    closeQuietly(channel);
    throw new AuditException(
        AuditException.Code.IN_USE,
        "the ledger " + database + " is already open for writing (" + file + " is locked)");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel's close releases it too
    }
    closeQuietly(channel);
  }
}
