package io.vigil.sync.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.sync.chunks.ChunkAssembler.Received;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ChunkAssemblerTest {

  static final String PATH = "models/0a1b.a.vbundle";
  static final int CHUNK = 1024;

  @TempDir Path downloads;

  static byte[] target(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  /** The chunk messages of {@code bytes}, as the publisher writes them. */
  static List<byte[]> messages(String path, byte[] bytes, int chunkSize) {
    int count = Chunk.countFor(bytes.length, chunkSize);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * chunkSize;
      byte[] data =
          Arrays.copyOfRange(bytes, from, from + Chunk.lengthOf(bytes.length, chunkSize, i));
      out.add(new Chunk(path, bytes.length, chunkSize, i, count, data).encode());
    }
    return out;
  }

  @Test
  void reassemblesChunksThatArriveOutOfOrderAndTwice() {
    byte[] bytes = target(10 * CHUNK + 17);
    List<byte[]> arriving = new ArrayList<>(messages(PATH, bytes, CHUNK));
    arriving.addAll(arriving.subList(0, 5));
    Collections.shuffle(arriving, new Random(7));
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);

    int added = 0;
    for (byte[] m : arriving) {
      added += assembler.accept(m) == Received.ADDED ? 1 : 0;
    }

    assertEquals(11, added);
    assertTrue(assembler.complete());
    assertArrayEquals(bytes, assembler.assemble());
  }

  @Test
  void namesTheMissingChunksOfATargetWithGaps() {
    byte[] bytes = target(6 * CHUNK);
    List<byte[]> all = messages(PATH, bytes, CHUNK);
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);
    assertEquals(new ChunkAssembler.Progress(0, OptionalInt.empty()), assembler.progress());

    for (int i : new int[] {4, 0, 2}) {
      assembler.accept(all.get(i));
    }

    assertFalse(assembler.complete());
    assertEquals(List.of(1, 3, 5), assembler.missing());
    assertEquals("3/6 chunks", assembler.progress().toString());
    assertThrows(IllegalStateException.class, assembler::assemble);
  }

  @Test
  void resumesAfterARestartWithTheChunksItKept() {
    byte[] bytes = target(8 * CHUNK + 1);
    List<byte[]> all = messages(PATH, bytes, CHUNK);
    ChunkAssembler before = ChunkAssembler.open(downloads, PATH, bytes.length);
    for (int i = 0; i < all.size(); i += 2) {
      before.accept(all.get(i));
    }

    ChunkAssembler after = ChunkAssembler.open(downloads, PATH, bytes.length);

    assertEquals(List.of(1, 3, 5, 7), after.missing());
    assertEquals(Received.DUPLICATE, after.accept(all.get(0)));
    for (int i : after.missing()) {
      assertEquals(Received.ADDED, after.accept(all.get(i)));
    }
    assertArrayEquals(bytes, after.assemble());
  }

  @Test
  void discardsAChunkFileTornByAKill() throws IOException {
    byte[] bytes = target(4 * CHUNK);
    List<byte[]> all = messages(PATH, bytes, CHUNK);
    ChunkAssembler before = ChunkAssembler.open(downloads, PATH, bytes.length);
    all.forEach(before::accept);
    Path dir = before.dir();
    // A rename that reached the disk before the data did, and a write that never finished.
    Files.write(dir.resolve("2.chunk"), Arrays.copyOf(all.get(2), all.get(2).length / 2));
    Files.write(dir.resolve(".3-123.tmp"), Arrays.copyOf(all.get(3), 100));

    ChunkAssembler after = ChunkAssembler.open(downloads, PATH, bytes.length);

    assertEquals(List.of(2), after.missing());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(3, files.count(), "the torn files are gone");
    }
    after.accept(all.get(2));
    assertArrayEquals(bytes, after.assemble());
  }

  @Test
  void refusesAChunkWhoseBytesDoNotMatchItsDigest() {
    byte[] bytes = target(3 * CHUNK);
    byte[] tampered = messages(PATH, bytes, CHUNK).get(1);
    tampered[tampered.length - 1] ^= 1;
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> assembler.accept(tampered),
        "chunk 1 of " + PATH + " does not match the SHA-256 in its header");
    assertEquals(0, assembler.progress().have());
  }

  @Test
  void refusesATargetOverItsCapBeforeKeepingAnyOfIt() throws IOException {
    byte[] endless = target(100 * CHUNK);
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, 3 * CHUNK);

    assertRefused(
        Code.TOO_LONG,
        () -> assembler.accept(messages(PATH, endless, CHUNK).get(0)),
        "has " + endless.length + " bytes by its chunk 0, over its cap of " + 3 * CHUNK);
    try (Stream<Path> files = Files.list(assembler.dir())) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void refusesAChunkCountThatDisagreesWithEarlierChunks() {
    byte[] bytes = target(4 * CHUNK);
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);
    assembler.accept(messages(PATH, bytes, CHUNK).get(0));
    byte[] shorter = Arrays.copyOf(bytes, 2 * CHUNK);

    assertRefused(
        Code.TARGET_MISMATCH,
        () -> assembler.accept(messages(PATH, shorter, CHUNK).get(1)),
        "says 2 chunks of 1024 bytes for 2048; the chunks before it said 4 of 1024 for 4096");
  }

  @Test
  void refusesAChunkWhoseHeaderDisagreesWithItself() {
    byte[] bytes = target(4 * CHUNK);
    byte[] m = messages(PATH, bytes, CHUNK).get(0);
    // The count field: after magic, path length, path, target length and chunk size.
    int count = 4 + 2 + PATH.length() + 8 + 4 + 4;
    m[count + 3] = 9;
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);

    assertRefused(Code.MALFORMED, () -> assembler.accept(m), "says 9 chunks");
    assertRefused(
        Code.MALFORMED, () -> assembler.accept(Arrays.copyOf(m, 20)), "ends inside its header");
  }

  @Test
  void refusesAChunkOfAnotherTarget() {
    byte[] bytes = target(2 * CHUNK);
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);

    assertRefused(
        Code.MALFORMED,
        () -> assembler.accept(messages("models/other.vbundle", bytes, CHUNK).get(0)),
        "chunk 0 of models/other.vbundle arrived for target " + PATH);
  }

  @Test
  void assemblesA20MbTargetIn256KibChunksAndSaysHowFast() {
    byte[] bytes = target(20 * 1024 * 1024);
    List<byte[]> all = messages(PATH, bytes, ChunkPublisher.DEFAULT_CHUNK_SIZE);
    Collections.shuffle(all, new Random(1));
    ChunkAssembler assembler = ChunkAssembler.open(downloads, PATH, bytes.length);

    long start = System.nanoTime();
    all.forEach(assembler::accept);
    long accepted = System.nanoTime();
    byte[] out = assembler.assemble();
    long end = System.nanoTime();

    assertArrayEquals(bytes, out);
    double mb = bytes.length / 1e6;
    System.out.printf(
        "assembly of a %.1f MB target in %d chunks of 256 KiB: accept (verify, write, fsync,"
            + " rename) %.1f MB/s, assemble (read back, verify) %.1f MB/s, overall %.1f MB/s%n",
        mb,
        all.size(),
        mb / ((accepted - start) / 1e9),
        mb / ((end - accepted) / 1e9),
        mb / ((end - start) / 1e9));
  }

  static TrustException assertRefused(Code code, Executable action, String words) {
    TrustException e = assertThrows(TrustException.class, action);
    assertEquals(code, e.code(), () -> "refused for another reason: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(words),
        () -> "the message does not say '" + words + "': " + e.getMessage());
    return e;
  }
}
