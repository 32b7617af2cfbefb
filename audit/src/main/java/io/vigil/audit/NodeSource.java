package io.vigil.audit;

/** Where the hashes of complete, aligned subtrees come from: the nodes table, or a segment. */
interface NodeSource {

  /**
   * The hash of the complete subtree at this level (0: a leaf) and index (its leaves are {@code
   * index·2^level} to {@code (index+1)·2^level - 1}).
   */
  byte[] node(int level, long index);
}
