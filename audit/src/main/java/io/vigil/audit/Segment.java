package io.vigil.audit;

import java.util.Objects;

/**
 * An archived range of the ledger: 2^level entries, starting at {@code firstSeq = index·2^level},
 * in one sealed, compressed file.
 *
 * @param index the segment's number, which is also its subtree's index at {@code level}
 * @param level log2 of the number of entries
 * @param firstSeq the first entry's sequence number
 * @param count the number of entries, 2^level
 * @param root the subtree hash of the entries, a node of the ledger's tree
 * @param file the file's name in the segment directory
 * @param sha256 the file's SHA-256 when it was written, lower-case hex
 * @param checkpointSize the size of the signed checkpoint sealed into the file
 */
public record Segment(
    long index,
    int level,
    long firstSeq,
    long count,
    Hash root,
    String file,
    String sha256,
    long checkpointSize) {

  public Segment {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
  }

  /** The sequence number after the last entry. */
  public long endSeq() {
    return firstSeq + count;
  }

  /** The file name of segment {@code index}. */
  static String fileName(long index) {
    return String.format("segment-%08d.jsonl.gz", index);
  }

  @Override
  public String toString() {
    return "segment " + index + " (entries " + firstSeq + ".." + (endSeq() - 1) + ", " + file + ")";
  }
}
