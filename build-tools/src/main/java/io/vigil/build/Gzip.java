package io.vigil.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses the package's documents (changelog, manual page) as {@code gzip -9n} would: the best
 * compression, marked as such in the header, and no timestamp or file name, so that the package is
 * the same bytes every build and lintian finds nothing to say about them. The JDK's {@code
 * GZIPOutputStream} cannot mark the compression level, hence the header written here (RFC 1952).
 *
 * <p>Usage: {@code Gzip IN OUT [IN OUT]...}.
 */
public final class Gzip {

  private static final int XFL_BEST = 2;
  private static final int OS_UNIX = 3;

  private Gzip() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: Gzip IN OUT [IN OUT]...");
    }
    for (int i = 0; i < args.length; i += 2) {
      Path out = Path.of(args[i + 1]);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, gzip(Files.readAllBytes(Path.of(args[i]))));
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Magic, deflate, no flags, no modification time, best compression, Unix.
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, XFL_BEST, OS_UNIX});
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
    } finally {
      deflater.end();
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    trailer.putInt((int) crc.getValue()).putInt(data.length);
    out.writeBytes(trailer.array());
    return out.toByteArray();
  }
}
