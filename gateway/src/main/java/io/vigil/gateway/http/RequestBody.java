package io.vigil.gateway.http;

import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.util.List;

/**
 * A request body as it arrived: the chunks the server read, kept as they are, so that a large body
 * is never copied into one array (nor grown into one buffer step by step) before it is parsed.
 */
final class RequestBody {

  static final RequestBody EMPTY = new RequestBody(List.of(), 0);

  private final List<Buffer> chunks;
  private final long length;

  RequestBody(List<Buffer> chunks, long length) {
    this.chunks = List.copyOf(chunks);
    this.length = length;
  }

  long length() {
    return length;
  }

  /** The body in one array when it came in one chunk (a small body), for the parser's fast path. */
  boolean inOneChunk() {
    return chunks.size() == 1;
  }

  byte[] bytes() {
    return chunks.get(0).getBytes();
  }

  /** The whole body in one array: the one chunk's bytes, or the chunks copied together. */
  byte[] all() {
    if (chunks.size() == 1) {
      return bytes();
    }
    byte[] out = new byte[(int) length];
    int at = 0;
    for (Buffer chunk : chunks) {
      chunk.getBytes(out, at);
      at += chunk.length();
    }
    return out;
  }

  /** The body as a stream that reads the chunks in turn, without copying them first. */
  InputStream stream() {
    return new InputStream() {
      private int chunk;
      private int position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] into, int offset, int length) {
        if (length == 0) {
          return 0;
        }
        while (chunk < chunks.size() && position == chunks.get(chunk).length()) {
          chunk++;
          position = 0;
        }
        if (chunk == chunks.size()) {
          return -1;
        }
        Buffer current = chunks.get(chunk);
        int n = Math.min(length, current.length() - position);
        current.getBytes(position, position + n, into, offset);
        position += n;
        return n;
      }
    };
  }
}
