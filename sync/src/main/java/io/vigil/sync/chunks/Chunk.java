package io.vigil.sync.chunks;

import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * One chunk message: a binary header (big-endian) and the chunk's bytes. See the package Javadoc
 * for the layout; {@link #decode} checks that the header is consistent with itself and that the
 * bytes match its SHA-256, nothing more: whether the target is the one signed is the Updater's
 * check on the assembled bytes.
 */
record Chunk(String path, long targetLength, int chunkSize, int index, int count, byte[] data) {

  /** The first four bytes of every chunk message: "VGC" and the format's version, 1. */
  static final byte[] MAGIC = {'V', 'G', 'C', '1'};

  /** The header's bytes besides the path. */
  static final int FIXED_HEADER = 4 + 2 + 8 + 4 + 4 + 4 + 4 + 32;

  /** The largest chunk a gateway accepts, whatever a header says. */
  static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

  /** The number of chunks of {@code chunkSize} bytes in a target of {@code length} bytes. */
  static int countFor(long length, int chunkSize) {
    long count = Math.max(1, length / chunkSize + (length % chunkSize == 0 ? 0 : 1));
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(length + " bytes is too many chunks of " + chunkSize);
    }
    return (int) count;
  }

  /** The length of chunk {@code index}: the chunk size, or what is left for the last one. */
  static int lengthOf(long targetLength, int chunkSize, int index) {
    return (int) Math.min(chunkSize, targetLength - (long) index * chunkSize);
  }

  /** Where this chunk's bytes start in the target. */
  long offset() {
    return (long) index * chunkSize;
  }

  /** The message: header, then the bytes. */
  byte[] encode() {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(FIXED_HEADER + p.length + data.length);
    out.put(MAGIC)
        .putShort((short) p.length)
        .put(p)
        .putLong(targetLength)
        .putInt(chunkSize)
        .putInt(index)
        .putInt(count)
        .putInt(data.length)
        .put(Sha256.of(data))
        .put(data);
    return out.array();
  }

  /**
   * The chunk in {@code message}.
   *
   * @throws TrustException {@link Code#MALFORMED} for a header that is not this format or disagrees
   *     with itself, {@link Code#TARGET_MISMATCH} for bytes that differ from the header's SHA-256
   */
  static Chunk decode(byte[] message) {
    ByteBuffer in = ByteBuffer.wrap(message);
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw malformed("it does not start with VGC1");
      }
      byte[] p = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(p);
      String path =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(p))
              .toString();
      long targetLength = in.getLong();
      int chunkSize = in.getInt();
      int index = in.getInt();
      int count = in.getInt();
      int length = in.getInt();
      byte[] sha256 = new byte[32];
      in.get(sha256);
      String what = "chunk " + index + " of " + path;
      if (targetLength < 0 || chunkSize <= 0 || chunkSize > MAX_CHUNK_SIZE) {
        throw malformed(
            what + " has target length " + targetLength + " and chunk size " + chunkSize);
      }
      long chunks = Math.max(1, targetLength / chunkSize + (targetLength % chunkSize == 0 ? 0 : 1));
      if (count != chunks) {
        throw malformed(
            what
                + " says "
                + count
                + " chunks; "
                + targetLength
                + " bytes in chunks of "
                + chunkSize
                + " are "
                + chunks);
      }
      if (index < 0 || index >= count) {
        throw malformed(what + " is not one of its " + count + " chunks");
      }
      int expected = lengthOf(targetLength, chunkSize, index);
      if (length != expected || in.remaining() != length) {
        throw malformed(
            what
                + " carries "
                + in.remaining()
                + " bytes and says "
                + length
                + "; chunk "
                + index
                + " of a "
                + targetLength
                + "-byte target has "
                + expected);
      }
      byte[] data = new byte[length];
      in.get(data);
      if (!MessageDigest.isEqual(sha256, Sha256.of(data))) {
        throw new TrustException(
            Code.TARGET_MISMATCH, what + " does not match the SHA-256 in its header");
      }
      return new Chunk(path, targetLength, chunkSize, index, count, data);
    } catch (BufferUnderflowException e) {
      throw malformed("a chunk message of " + message.length + " bytes ends inside its header");
    } catch (CharacterCodingException e) {
      throw malformed("a chunk message's target path is not UTF-8");
    }
  }

  private static TrustException malformed(String why) {
    return new TrustException(Code.MALFORMED, "malformed chunk message: " + why);
  }
}
