package io.vigil.audit;

import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 inclusion proof: the audit path from one leaf to the root of a tree of a given size.
 *
 * @param leafIndex the entry's sequence number
 * @param treeSize the size of the tree the path leads to the root of
 * @param leafHash SHA-256(0x00 || canonical entry bytes)
 * @param path the sibling hashes from the leaf up
 */
public record InclusionProof(long leafIndex, long treeSize, Hash leafHash, List<Hash> path) {

  public InclusionProof {
    Objects.requireNonNull(leafHash, "leafHash");
    path = List.copyOf(path);
  }

  /** Whether the path leads from the leaf to this root. */
  public boolean leadsTo(Hash root) {
    return Merkle.verifyInclusion(
        leafIndex, treeSize, leafHash.unsafeBytes(), raw(path), root.unsafeBytes());
  }

  /** Throws {@code INVALID_PROOF} unless the path leads from the leaf to this root. */
  public void check(Hash root) {
    if (!leadsTo(root)) {
      throw new AuditException(
          AuditException.Code.INVALID_PROOF,
          "the inclusion proof of entry "
              + leafIndex
              + " does not lead to the root of the tree of size "
              + treeSize);
    }
  }

  static List<byte[]> raw(List<Hash> hashes) {
    return hashes.stream().map(Hash::unsafeBytes).toList();
  }

  static List<Hash> wrap(List<byte[]> hashes) {
    return hashes.stream().map(Hash::wrap).toList();
  }
}
