package io.vigil.audit;

/**
 * The position of a complete, aligned subtree in the order the appends complete them: the
 * post-order of the tree, as Merkle Mountain Ranges number their nodes.
 *
 * <p>The subtree at {@code level} and {@code index} covers leaves {@code index << level} to {@code
 * last = ((index + 1) << level) - 1} and is completed by the append of leaf {@code last}. Before
 * it, the appends of leaves 0 to {@code last} have completed {@code 2 * last - bitCount(last)}
 * other nodes (each leaf one node at level 0, plus one parent for every carry), then its own
 * children, so its position is {@code 2 * last - bitCount(last) + level}. Stored under this key,
 * every node the writer adds lands at the right end of the table's B-tree, which SQLite appends to
 * in full pages; keyed by (level, index), the nodes of each level land in a different page, and the
 * pages split half-empty.
 */
final class PostOrder {

  private PostOrder() {}

  /** The position of the subtree at {@code level}, {@code index}. */
  static long position(int level, long index) {
    if (level < 0 || level > 62 || index < 0 || index > (Long.MAX_VALUE >>> (level + 2))) {
      throw new IllegalArgumentException("no subtree at level " + level + ", index " + index);
    }
    long last = ((index + 1) << level) - 1;
    return 2 * last - Long.bitCount(last) + level;
  }
}
