package io.vigil.sync.chunks;

import io.vigil.canonical.Sha256;
import io.vigil.trust.DurableFiles;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Reassembles one target file from chunk messages that arrive in any order, twice, or not at all,
 * keeping each accepted chunk on disk so that a download resumes after a broken link or a restart.
 *
 * <p>Chunks live in {@code <downloads>/<sha256 of the target path>/<index>.chunk}, each the whole
 * message, written to a temporary file, forced to disk and renamed: a process killed mid-write
 * leaves a temporary file, which the next {@link #open} deletes, and a chunk file that does not
 * decode is discarded the same way. Not thread-safe: one thread feeds an assembler.
 */
public final class ChunkAssembler {

  private static final Logger LOG = System.getLogger(ChunkAssembler.class.getName());
  private static final String SUFFIX = ".chunk";

  private final Path dir;
  private final String path;
  private final long maxLength;
  private final BitSet have = new BitSet();
  private Layout layout;

  /** What the first accepted chunk said about the target; every later chunk must agree. */
  private record Layout(long targetLength, int chunkSize, int count) {
    static Layout of(Chunk c) {
      return new Layout(c.targetLength(), c.chunkSize(), c.count());
    }
  }

  /** How far a download is: chunks held, and how many the target has once one arrived. */
  public record Progress(int have, OptionalInt need) {
    @Override
    public String toString() {
      return have + "/" + (need.isPresent() ? need.getAsInt() : "?") + " chunks";
    }
  }

  /** Whether {@link #accept} kept a chunk or already had it. */
  public enum Received {
    ADDED,
    DUPLICATE
  }

  private ChunkAssembler(Path dir, String path, long maxLength) {
    this.dir = dir;
    this.path = path;
    this.maxLength = maxLength;
  }

  /**
   * The download of the target file at {@code path} (as the repository names it, hash-prefixed)
   * under {@code downloads}, with the chunks a previous process kept; {@code maxLength} is the
   * target's signed length, past which nothing is kept.
   *
   * @throws TrustException {@link Code#STORE_FAILED} when the directory cannot be read or made
   */
  public static ChunkAssembler open(Path downloads, String path, long maxLength) {
    Topics.checkTargetPath(path);
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength < 0");
    }
    Path dir = downloads.resolve(Sha256.hex(path.getBytes(StandardCharsets.UTF_8)));
    ChunkAssembler assembler = new ChunkAssembler(dir, path, maxLength);
    assembler.resume();
    return assembler;
  }

  private void resume() {
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (!name.endsWith(SUFFIX)) {
            Files.deleteIfExists(file);
            LOG.log(Level.DEBUG, "discarded " + file + ", a write that did not finish");
            continue;
          }
          try {
            keepStored(file, name);
          } catch (TrustException | NumberFormatException e) {
            Files.deleteIfExists(file);
            LOG.log(Level.WARNING, "discarded " + file + ": " + e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new TrustException(
          Code.STORE_FAILED, "cannot read the download in " + dir + ": " + e, e);
    }
  }

  private void keepStored(Path file, String name) throws IOException {
    int index = Integer.parseInt(name.substring(0, name.length() - SUFFIX.length()));
    if (Files.size(file) > Chunk.FIXED_HEADER + 65_535L + Chunk.MAX_CHUNK_SIZE) {
      throw new TrustException(Code.TOO_LONG, "the file is longer than any chunk message");
    }
    Chunk chunk = Chunk.decode(Files.readAllBytes(file));
    if (chunk.index() != index) {
      throw new TrustException(Code.MALFORMED, "it holds chunk " + chunk.index());
    }
    check(chunk);
    have.set(index);
  }

  /**
   * Takes one chunk message: a new chunk is written to disk before this returns, one already held
   * is left alone.
   *
   * @throws TrustException {@link Code#TOO_LONG} when the chunk claims a target longer than the
   *     cap; {@link Code#TARGET_MISMATCH} for bytes that differ from the chunk's SHA-256 or a
   *     length, chunk size or count that disagrees with earlier chunks; {@link Code#MALFORMED} for
   *     a message that is not a chunk of this target; {@link Code#STORE_FAILED} when the disk fails
   */
  public Received accept(byte[] message) {
    Chunk chunk = Chunk.decode(message);
    check(chunk);
    if (have.get(chunk.index())) {
      return Received.DUPLICATE;
    }
    write(chunk.index(), message);
    have.set(chunk.index());
    return Received.ADDED;
  }

  private void check(Chunk chunk) {
    if (!chunk.path().equals(path)) {
      throw new TrustException(
          Code.MALFORMED,
          "chunk " + chunk.index() + " of " + chunk.path() + " arrived for target " + path);
    }
    if (chunk.targetLength() > maxLength) {
      throw new TrustException(
          Code.TOO_LONG,
          "target "
              + path
              + " has "
              + chunk.targetLength()
              + " bytes by its chunk "
              + chunk.index()
              + ", over its cap of "
              + maxLength);
    }
    Layout claimed = Layout.of(chunk);
    if (layout == null) {
      layout = claimed;
    } else if (!layout.equals(claimed)) {
      throw new TrustException(
          Code.TARGET_MISMATCH,
          "chunk "
              + chunk.index()
              + " of "
              + path
              + " says "
              + claimed.count()
              + " chunks of "
              + claimed.chunkSize()
              + " bytes for "
              + claimed.targetLength()
              + "; the chunks before it said "
              + layout.count()
              + " of "
              + layout.chunkSize()
              + " for "
              + layout.targetLength());
    }
  }

  private void write(int index, byte[] message) {
    Path file = dir.resolve(index + SUFFIX);
    try {
      // The directory again: a discarded download starts over in a fresh one.
      DurableFiles.replace(file, message);
    } catch (IOException e) {
      throw new TrustException(
          Code.STORE_FAILED,
          "cannot keep chunk " + index + " of " + path + " in " + dir + ": " + e,
          e);
    }
  }

  /** Chunks held and needed. */
  public Progress progress() {
    return new Progress(
        have.cardinality(), layout == null ? OptionalInt.empty() : OptionalInt.of(layout.count()));
  }

  /**
   * The indices still missing, in order, for a request to send them again; empty also before the
   * first chunk arrived, when the count is not known yet (see {@link #progress}).
   */
  public List<Integer> missing() {
    List<Integer> out = new ArrayList<>();
    if (layout != null) {
      for (int i = have.nextClearBit(0); i < layout.count(); i = have.nextClearBit(i + 1)) {
        out.add(i);
      }
    }
    return out;
  }

  /** Whether every chunk is held. */
  public boolean complete() {
    return layout != null && have.cardinality() == layout.count();
  }

  /**
   * The target's bytes, from the chunks on disk, each checked again against its SHA-256; never more
   * than the cap.
   *
   * @throws IllegalStateException when a chunk is missing
   * @throws TrustException {@link Code#STORE_FAILED} when a chunk file cannot be read back
   */
  public byte[] assemble() {
    if (!complete()) {
      throw new IllegalStateException("target " + path + " has " + progress() + " only");
    }
    byte[] out = new byte[Math.toIntExact(layout.targetLength())];
    for (int i = 0; i < layout.count(); i++) {
      Path file = dir.resolve(i + SUFFIX);
      try {
        Chunk chunk = Chunk.decode(Files.readAllBytes(file));
        check(chunk);
        if (chunk.index() != i) {
          throw new TrustException(Code.MALFORMED, file + " holds chunk " + chunk.index());
        }
        System.arraycopy(
            chunk.data(), 0, out, Math.toIntExact(chunk.offset()), chunk.data().length);
      } catch (IOException e) {
        have.clear(i);
        throw new TrustException(Code.STORE_FAILED, "cannot read back " + file + ": " + e, e);
      }
    }
    return out;
  }

  /** Deletes every chunk held: after the target was handed over, or when it must start again. */
  public void discard() {
    have.clear();
    layout = null;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    } catch (NoSuchFileException e) {
      // Already gone.
    } catch (IOException e) {
      throw new TrustException(
          Code.STORE_FAILED, "cannot delete the download in " + dir + ": " + e, e);
    }
  }

  /** Where the chunks of this target are kept. */
  public Path dir() {
    return dir;
  }
}
