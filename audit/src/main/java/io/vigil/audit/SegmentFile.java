package io.vigil.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.canonical.Sha256;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A sealed archive segment: one gzip stream of JSON Lines, a header line first, then the canonical
 * bytes of each entry in sequence order, one per line (canonical JSON escapes every newline).
 *
 * <p>The header is a canonical JSON object: format, origin, index, level, first_seq, count, the
 * subtree root, the latest signed checkpoint when the segment was sealed and the path from the
 * subtree root to that checkpoint's root, so a segment can be checked with the public key alone.
 */
final class SegmentFile {

  static final String FORMAT = "vigil-ledger-segment/1";

  private SegmentFile() {}

  record Header(
      String origin,
      long index,
      int level,
      long firstSeq,
      long count,
      Hash root,
      String checkpoint,
      List<Hash> path) {

    String json() {
      StringBuilder sb = new StringBuilder(512);
      sb.append("{\"checkpoint\":");
      CanonicalJson.appendString(sb, checkpoint);
      sb.append(",\"count\":").append(count);
      sb.append(",\"first_seq\":").append(firstSeq);
      sb.append(",\"format\":\"").append(FORMAT).append('"');
      sb.append(",\"index\":").append(index);
      sb.append(",\"level\":").append(level);
      sb.append(",\"origin\":");
      CanonicalJson.appendString(sb, origin);
      sb.append(",\"path\":[");
      for (int i = 0; i < path.size(); i++) {
        sb.append(i > 0 ? ",\"" : "\"").append(path.get(i).base64()).append('"');
      }
      sb.append("],\"root\":\"").append(root.base64()).append("\"}");
      return sb.toString();
    }

    static Header parse(byte[] line) {
      JsonNode h = CanonicalJson.parse(line);
      if (!FORMAT.equals(h.path("format").asText())) {
        throw new IllegalArgumentException("not a " + FORMAT + " file");
      }
      List<Hash> path = new ArrayList<>();
      for (JsonNode p : h.path("path")) {
        path.add(Hash.fromBase64(p.asText()));
      }
      return new Header(
          h.path("origin").asText(),
          h.path("index").asLong(-1),
          h.path("level").asInt(-1),
          h.path("first_seq").asLong(-1),
          h.path("count").asLong(-1),
          Hash.fromBase64(h.path("root").asText()),
          h.path("checkpoint").asText(),
          path);
    }
  }

  /** Receives the entries of a segment in order. */
  interface Visitor {
    void entry(long seq, byte[] canonical);
  }

  /** Hands a segment's entries, in order, to a sink. */
  interface Body {
    void writeTo(Sink sink) throws IOException;
  }

  /** Takes one entry's canonical bytes. */
  interface Sink {
    void entry(byte[] canonical) throws IOException;
  }

  /**
   * Writes the segment next to its final name, syncs it, then moves it into place and syncs the
   * directory; returns the file's SHA-256, lower-case hex.
   */
  static String write(Path file, Header header, Body body) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    MessageDigest sha = Sha256.digest();
    try {
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
        GZIPOutputStream gz =
            new GZIPOutputStream(
                new BufferedOutputStream(new DigestOutputStream(fos, sha), 1 << 16), 1 << 16);
        gz.write(header.json().getBytes(StandardCharsets.UTF_8));
        gz.write('\n');
        body.writeTo(
            e -> {
              gz.write(e);
              gz.write('\n');
            });
        gz.finish();
        gz.flush();
        fos.getFD().sync();
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the file itself is synced.
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Reads a segment, handing each entry to the visitor; returns the header and the SHA-256 of the
   * file's bytes. Fails if the entries do not run from first_seq for count entries.
   */
  static Read read(Path file, Visitor visitor) throws IOException {
    MessageDigest sha = Sha256.digest();
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream hashing = new DigestInputStream(raw, sha);
        InputStream gz = new GZIPInputStream(hashing, 1 << 16)) {
      Lines in = new Lines(gz);
      byte[] first = in.next();
      if (first == null) {
        throw new IOException("empty segment file");
      }
      Header header;
      try {
        header = Header.parse(first);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage(), e);
      }
      long seq = header.firstSeq();
      for (byte[] e = in.next(); e != null; e = in.next()) {
        if (seq - header.firstSeq() >= header.count()) {
          throw new IOException("more entries than its header's count " + header.count());
        }
        visitor.entry(seq++, e);
      }
      if (seq - header.firstSeq() != header.count()) {
        throw new IOException(
            "holds " + (seq - header.firstSeq()) + " entries, its header says " + header.count());
      }
      hashing.transferTo(OutputStream.nullOutputStream());
      return new Read(header, HexFormat.of().formatHex(sha.digest()));
    }
  }

  record Read(Header header, String sha256) {}

  /** Splits a stream into newline-terminated lines. */
  private static final class Lines {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    Lines(InputStream in) {
      this.in = in;
    }

    /** The next line without its newline, or null at the end. */
    byte[] next() throws IOException {
      ByteArrayOutputStream partial = null;
      while (true) {
        for (int i = position; i < limit; i++) {
          if (buffer[i] == '\n') {
            byte[] line;
            if (partial == null) {
              line = Arrays.copyOfRange(buffer, position, i);
            } else {
              partial.write(buffer, position, i - position);
              line = partial.toByteArray();
            }
            position = i + 1;
            return line;
          }
        }
        if (partial == null) {
          partial = new ByteArrayOutputStream(2048);
        }
        partial.write(buffer, position, limit - position);
        position = 0;
        limit = in.read(buffer);
        if (limit < 0) {
          limit = 0;
          if (partial.size() > 0) {
            throw new IOException("the last line has no newline: the file is cut short");
          }
          return null;
        }
      }
    }
  }
}
