package io.vigil.audit;

import io.vigil.canonical.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9162 section 2.1: subtree hashes, inclusion and consistency proofs from stored complete
 * subtrees, and their verification.
 */
final class Merkle {

  static final byte[] EMPTY_ROOT = Sha256.of(new byte[0]);

  private final NodeSource nodes;
  // The subtrees that are not complete all end at the tree's right edge; memoizing them keeps a
  // proof at O(log n) lookups.
  private final Map<Long, byte[]> partial = new HashMap<>();
  private long partialEnd = -1;

  Merkle(NodeSource nodes) {
    this.nodes = nodes;
  }

  /** MTH(D[start:end]) for a range that RFC 9162's recursion produces. */
  byte[] hash(long start, long end) {
    long n = end - start;
    if (n == 0) {
      return EMPTY_ROOT;
    }
    if (Long.bitCount(n) == 1 && start % n == 0) {
      return nodes.node(Long.numberOfTrailingZeros(n), start / n);
    }
    if (end != partialEnd) {
      partial.clear();
      partialEnd = end;
    }
    byte[] cached = partial.get(start);
    if (cached != null) {
      return cached;
    }
    long k = largestPowerOfTwoBelow(n);
    byte[] h = Digests.node(hash(start, start + k), hash(start + k, end));
    partial.put(start, h);
    return h;
  }

  byte[] root(long size) {
    return hash(0, size);
  }

  /** PATH(m, D[0:n]), leaf to root. */
  List<byte[]> inclusion(long m, long n) {
    if (m < 0 || m >= n) {
      throw new IllegalArgumentException("leaf " + m + " is not in a tree of size " + n);
    }
    List<byte[]> path = new ArrayList<>();
    inclusion(m, 0, n, path);
    return path;
  }

  private void inclusion(long m, long start, long end, List<byte[]> path) {
    if (end - start == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(end - start);
    if (m < start + k) {
      inclusion(m, start, start + k, path);
      path.add(hash(start + k, end));
    } else {
      inclusion(m, start + k, end, path);
      path.add(hash(start, start + k));
    }
  }

  /** PROOF(m, D[0:n]); empty for m = 0 or m = n. */
  List<byte[]> consistency(long m, long n) {
    if (m < 0 || m > n) {
      throw new IllegalArgumentException("no consistency proof from size " + m + " to " + n);
    }
    List<byte[]> path = new ArrayList<>();
    if (m > 0 && m < n) {
      subproof(m, 0, n, true, path);
    }
    return path;
  }

  private void subproof(long m, long start, long end, boolean complete, List<byte[]> path) {
    long n = end - start;
    if (m == n) {
      if (!complete) {
        path.add(hash(start, end));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, start, start + k, complete, path);
      path.add(hash(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, path);
      path.add(hash(start, start + k));
    }
  }

  /** RFC 9162 2.1.3.2: whether the path leads from this leaf to this root. */
  static boolean verifyInclusion(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      return false;
    }
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Digests.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = Digests.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * RFC 9162 2.1.4.2: whether the tree of the second size extends the tree of the first. Every tree
   * extends the empty tree, so from size 0 only the old root (the empty hash) is checked.
   */
  static boolean verifyConsistency(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> path) {
    if (first < 0 || first > second) {
      return false;
    }
    if (first == second) {
      return path.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (first == 0) {
      return path.isEmpty() && MessageDigest.isEqual(firstRoot, EMPTY_ROOT);
    }
    if (path.isEmpty()) {
      return false;
    }
    List<byte[]> c = new ArrayList<>(path.size() + 1);
    if (Long.bitCount(first) == 1) {
      c.add(firstRoot);
    }
    c.addAll(path);
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = c.get(0);
    byte[] sr = c.get(0);
    for (int i = 1; i < c.size(); i++) {
      byte[] x = c.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Digests.node(x, fr);
        sr = Digests.node(x, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = Digests.node(sr, x);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot) && sn == 0;
  }

  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }
}
