package io.vigil.trust;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced so that a crash or a power cut leaves the old content or the new, never a mix:
 * written to a temporary file beside the target, forced to the disk, renamed over the target, and
 * the directory forced so that the rename itself is on the disk. Trusted TUF metadata, command
 * replay state and downloaded chunks are all kept this way.
 */
public final class DurableFiles {

  private DurableFiles() {}

  /** Replaces {@code file} with {@code data}, creating its directory if needed. */
  public static void replace(Path file, byte[] data) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException notSupported) {
      // Not every file system can force a directory; the rename is atomic all the same.
    }
  }
}
