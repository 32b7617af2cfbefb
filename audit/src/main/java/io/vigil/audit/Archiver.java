package io.vigil.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Moves old entries into sealed segment files: one complete, aligned subtree of 2^level entries per
 * file, written and synced, read back and checked against the subtree's stored node, and only then
 * removed from the database (with the nodes below the subtree root) by the writer in one
 * transaction. See RETENTION.md.
 */
final class Archiver {

  /** Hands a task to the writer, or fails it if the ledger is closed. */
  interface Submitter {
    void submit(WriterTask task);
  }

  private final LedgerStore store;
  private final Submitter writer;
  private final Clock clock;

  Archiver(LedgerStore store, Submitter writer, Clock clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  /** Archives every whole segment below {@code beforeSeq} that a checkpoint covers. */
  List<Segment> archive(long beforeSeq) {
    List<Segment> done = new ArrayList<>();
    while (true) {
      Segment s = store.snapshot(() -> sealNext(beforeSeq));
      if (s == null) {
        return List.copyOf(done);
      }
      CompletableFuture<Void> committed = new CompletableFuture<>();
      try {
        writer.submit(
            new WriterTask.CommitSegment(s, EntryCodec.formatTime(clock.instant()), committed));
        committed.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof AuditException a
            ? a
            : new AuditException(
                AuditException.Code.ARCHIVE_FAILED, "could not archive " + s, e.getCause());
      }
      done.add(s);
    }
  }

  /** Writes and checks the next segment's file; null if no whole segment is due. */
  private Segment sealNext(long beforeSeq) throws java.sql.SQLException, IOException {
    int k = store.segmentLevel();
    long index = store.segments().size();
    long first = index << k;
    long count = 1L << k;
    Checkpoint latest = store.latestCheckpoint().orElse(null);
    if (latest == null || first + count > Math.min(beforeSeq, latest.size())) {
      return null;
    }
    byte[] node = store.storedNode(k, index);
    if (node == null) {
      throw corrupt(
          "the ledger has no subtree node for entries " + first + ".." + (first + count - 1));
    }
    Merkle merkle = new Merkle(store);
    List<byte[]> full = merkle.inclusion(first, latest.size());
    List<byte[]> path = full.subList(k, full.size());
    long upperSize = (latest.size() + count - 1) >>> k;
    if (!Merkle.verifyInclusion(index, upperSize, node, path, latest.root().unsafeBytes())) {
      throw corrupt(
          "the subtree of entries " + first + ".. does not lead to the latest checkpoint");
    }
    SegmentFile.Header header =
        new SegmentFile.Header(
            store.origin(),
            index,
            k,
            first,
            count,
            Hash.of(node),
            latest.note(),
            InclusionProof.wrap(path));
    String name = Segment.fileName(index);
    Path file = store.segmentDirectory().resolve(name);
    Frontier written = new Frontier();
    String sha;
    try {
      sha =
          SegmentFile.write(
              file,
              header,
              sink -> {
                long[] next = {first};
                try {
                  store.rows(
                      first,
                      first + count,
                      row -> {
                        if (row.seq() != next[0]++) {
                          throw corrupt("the ledger has no entry " + (next[0] - 1));
                        }
                        written.append(Digests.leaf(row.canonical()), (l, i, h) -> {});
                        try {
                          sink.entry(row.canonical());
                        } catch (IOException e) {
                          throw new UncheckedIOException(e);
                        }
                      });
                } catch (java.sql.SQLException e) {
                  throw new IOException("could not read its entries: " + e.getMessage(), e);
                } catch (UncheckedIOException e) {
                  throw e.getCause();
                }
              });
    } catch (IOException e) {
      throw failed("could not write " + file + ": " + e.getMessage(), e);
    }
    if (written.size() != count || !MessageDigest.isEqual(written.root(), node)) {
      java.nio.file.Files.deleteIfExists(file);
      throw corrupt(
          "entries "
              + first
              + ".."
              + (first + count - 1)
              + " do not hash to their stored subtree node; run verify");
    }
    Segment segment = new Segment(index, k, first, count, Hash.of(node), name, sha, latest.size());
    readBack(file, segment);
    return segment;
  }

  private static void readBack(Path file, Segment segment) {
    Frontier reread = new Frontier();
    SegmentFile.Read read;
    try {
      read =
          SegmentFile.read(
              file, (seq, bytes) -> reread.append(Digests.leaf(bytes), (l, i, h) -> {}));
    } catch (IOException | RuntimeException e) {
      throw failed(segment + " does not read back: " + e.getMessage(), e);
    }
    if (!read.sha256().equals(segment.sha256())
        || !MessageDigest.isEqual(reread.root(), segment.root().unsafeBytes())) {
      throw failed(segment + " does not read back as written", null);
    }
  }

  private static AuditException corrupt(String why) {
    return new AuditException(AuditException.Code.CORRUPT, why);
  }

  private static AuditException failed(String why, Throwable cause) {
    return new AuditException(AuditException.Code.ARCHIVE_FAILED, why, cause);
  }
}
