package io.vigil.audit;

import io.vigil.canonical.Sha256;

/**
 * The right edge of the Merkle tree in memory: one complete subtree root per set bit of the tree
 * size, so that an append costs O(log n) and the root is at hand.
 */
final class Frontier {

  /** Receives every complete subtree that an append completes, the leaf first. */
  interface Sink {
    void node(int level, long index, byte[] hash);
  }

  private final byte[][] roots = new byte[64][];
  private long size;

  long size() {
    return size;
  }

  void append(byte[] leaf, Sink sink) {
    long index = size;
    sink.node(0, index, leaf);
    byte[] hash = leaf;
    int level = 0;
    while ((size >>> level & 1) == 1) {
      hash = Digests.node(roots[level], hash);
      roots[level] = null;
      level++;
      sink.node(level, index >>> level, hash);
    }
    roots[level] = hash;
    size++;
  }

  /** The RFC 9162 root of the tree so far; SHA-256 of nothing for the empty tree. */
  byte[] root() {
    byte[] acc = null;
    for (int level = 0; level < 64; level++) {
      if (roots[level] != null) {
        acc = acc == null ? roots[level] : Digests.node(roots[level], acc);
      }
    }
    return acc == null ? Sha256.of(new byte[0]) : acc;
  }

  Frontier copy() {
    Frontier f = new Frontier();
    f.size = size;
    System.arraycopy(roots, 0, f.roots, 0, roots.length);
    return f;
  }

  /** The frontier of a tree of this size, read from its stored subtree nodes. */
  static Frontier load(long size, NodeSource nodes) {
    Frontier f = new Frontier();
    f.size = size;
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size >>> level & 1) == 1) {
        f.roots[level] = nodes.node(level, start >>> level);
        start += 1L << level;
      }
    }
    return f;
  }
}
