package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's proofs against a reference computation: the recursive MTH, PATH and PROOF of RFC
 * 9162 section 2.1 written out here over the leaf hashes read from the database with plain JDBC.
 */
class MerkleProofTest {

  private static final int[] BIG_SIZES = {127, 128, 129, 255, 256, 257, 1023, 1024, 1025};

  @TempDir static Path dir;
  private static LedgerReader reader;
  private static final List<byte[]> leaves = new ArrayList<>();

  @BeforeAll
  static void buildLedgerOf1030Entries() throws Exception {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 1030);
    }
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT canonical FROM entries ORDER BY seq")) {
      while (rs.next()) {
        leaves.add(Reference.leaf(rs.getBytes(1)));
      }
    }
    reader = LedgerReader.open(dir.resolve("audit.db"));
  }

  @AfterAll
  static void close() {
    reader.close();
  }

  @Test
  void rootsMatchTheReferenceForEverySize() {
    for (int n = 0; n <= 70; n++) {
      assertEquals(Hash.of(Reference.mth(leaves, 0, n)), reader.root(n), "size " + n);
    }
    for (int n : BIG_SIZES) {
      assertEquals(Hash.of(Reference.mth(leaves, 0, n)), reader.root(n), "size " + n);
    }
  }

  @Test
  void inclusionProofsMatchTheReferenceAndCheck() {
    for (int n = 1; n <= 70; n++) {
      for (int m = 0; m < n; m++) {
        checkInclusion(m, n);
      }
    }
    SplittableRandom random = new SplittableRandom(9162);
    for (int n : BIG_SIZES) {
      for (int m : sample(n, random)) {
        checkInclusion(m, n);
      }
    }
  }

  @Test
  void consistencyProofsMatchTheReferenceAndCheck() {
    for (int n = 0; n <= 70; n++) {
      for (int m = 0; m <= n; m++) {
        checkConsistency(m, n);
      }
    }
    SplittableRandom random = new SplittableRandom(6962);
    for (int n : BIG_SIZES) {
      for (int m : sample(n + 1, random)) {
        checkConsistency(m, n);
      }
    }
  }

  private static TreeSet<Integer> sample(int bound, SplittableRandom random) {
    TreeSet<Integer> s = new TreeSet<>(List.of(0, 1, bound / 2, bound - 2, bound - 1));
    while (s.size() < 20) {
      s.add(random.nextInt(bound));
    }
    return s;
  }

  private static void checkInclusion(int m, int n) {
    String what = "leaf " + m + " of " + n;
    InclusionProof proof = reader.inclusionProof(m, n);
    byte[] root = Reference.mth(leaves, 0, n);
    List<byte[]> expected = Reference.path(m, leaves, 0, n);
    assertPathEquals(expected, proof.path(), what);
    assertEquals(Hash.of(leaves.get(m)), proof.leafHash(), what);
    assertTrue(proof.leadsTo(Hash.of(root)), what);

    List<byte[]> path = InclusionProof.raw(proof.path());
    byte[] leaf = leaves.get(m);
    for (int i = 0; i < path.size(); i++) {
      assertFalse(Merkle.verifyInclusion(m, n, leaf, flip(path, i), root), what + " bit " + i);
    }
    if (m + 1 < n) {
      assertFalse(Merkle.verifyInclusion(m + 1, n, leaf, path, root), what + " index+1");
    }
    if (m > 0) {
      assertFalse(Merkle.verifyInclusion(m - 1, n, leaf, path, root), what + " index-1");
    }
    assertFalse(Merkle.verifyInclusion(n, n, leaf, path, root), what + " index=size");
    byte[] bigger = Reference.mth(leaves, 0, n + 1);
    assertFalse(Merkle.verifyInclusion(m, n + 1, leaf, path, bigger), what + " size+1");
    if (m < n - 1) {
      byte[] smaller = Reference.mth(leaves, 0, n - 1);
      assertFalse(Merkle.verifyInclusion(m, n - 1, leaf, path, smaller), what + " size-1");
    }
    if (!path.isEmpty()) {
      assertFalse(
          Merkle.verifyInclusion(m, n, leaf, path.subList(0, path.size() - 1), root),
          what + " truncated");
    }
    assertFalse(Merkle.verifyInclusion(m, n, leaf, extra(path), root), what + " extra");
    assertFalse(Merkle.verifyInclusion(m, n, leaf, path, flipBit(root)), what + " root");
    assertFalse(Merkle.verifyInclusion(m, n, flipBit(leaf), path, root), what + " leaf");
  }

  private static void checkConsistency(int m, int n) {
    String what = "from " + m + " to " + n;
    ConsistencyProof proof = reader.consistencyProof(m, n);
    byte[] oldRoot = Reference.mth(leaves, 0, m);
    byte[] newRoot = Reference.mth(leaves, 0, n);
    assertPathEquals(Reference.proof(m, leaves, n), proof.path(), what);
    assertTrue(proof.holds(Hash.of(oldRoot), Hash.of(newRoot)), what);
    ConsistencyProof back = ConsistencyProof.fromJson(proof.toJson());
    assertEquals(proof, back, what);

    List<byte[]> path = InclusionProof.raw(proof.path());
    if (m == 0) {
      // Every tree extends the empty tree: only a wrong empty root or a path can be refused.
      assertFalse(Merkle.verifyConsistency(m, n, flipBit(oldRoot), newRoot, path), what);
      assertFalse(Merkle.verifyConsistency(m, n, oldRoot, newRoot, extra(path)), what);
      return;
    }
    for (int i = 0; i < path.size(); i++) {
      assertFalse(
          Merkle.verifyConsistency(m, n, oldRoot, newRoot, flip(path, i)), what + " bit " + i);
    }
    if (m + 1 <= n) {
      assertFalse(
          Merkle.verifyConsistency(m + 1, n, Reference.mth(leaves, 0, m + 1), newRoot, path),
          what + " old+1");
    }
    if (m > 1) {
      assertFalse(
          Merkle.verifyConsistency(m - 1, n, Reference.mth(leaves, 0, m - 1), newRoot, path),
          what + " old-1");
    }
    assertFalse(
        Merkle.verifyConsistency(m, n + 1, oldRoot, Reference.mth(leaves, 0, n + 1), path),
        what + " new+1");
    if (n - 1 >= m) {
      assertFalse(
          Merkle.verifyConsistency(m, n - 1, oldRoot, Reference.mth(leaves, 0, n - 1), path),
          what + " new-1");
    }
    if (!path.isEmpty()) {
      assertFalse(
          Merkle.verifyConsistency(m, n, oldRoot, newRoot, path.subList(0, path.size() - 1)),
          what + " truncated");
    }
    assertFalse(Merkle.verifyConsistency(m, n, oldRoot, newRoot, extra(path)), what + " extra");
    assertFalse(
        Merkle.verifyConsistency(m, n, flipBit(oldRoot), newRoot, path), what + " old root");
    assertFalse(
        Merkle.verifyConsistency(m, n, oldRoot, flipBit(newRoot), path), what + " new root");
  }

  private static void assertPathEquals(List<byte[]> expected, List<Hash> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + " path length");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(Hash.of(expected.get(i)), actual.get(i), what + " element " + i);
    }
  }

  private static List<byte[]> flip(List<byte[]> path, int i) {
    List<byte[]> copy = new ArrayList<>(path);
    copy.set(i, flipBit(path.get(i)));
    return copy;
  }

  private static List<byte[]> extra(List<byte[]> path) {
    List<byte[]> copy = new ArrayList<>(path);
    copy.add(leaves.get(3));
    return copy;
  }

  private static byte[] flipBit(byte[] hash) {
    byte[] copy = hash.clone();
    copy[copy.length / 2] ^= 0x10;
    return copy;
  }

  /** RFC 9162 section 2.1, as the RFC writes it, over a list of leaf hashes. */
  static final class Reference {

    static byte[] leaf(byte[] entry) {
      return sha256(new byte[] {0}, entry);
    }

    static byte[] mth(List<byte[]> d, int start, int end) {
      int n = end - start;
      if (n == 0) {
        return sha256();
      }
      if (n == 1) {
        return d.get(start);
      }
      int k = largestPowerOfTwoBelow(n);
      return sha256(new byte[] {1}, mth(d, start, start + k), mth(d, start + k, end));
    }

    static List<byte[]> path(int m, List<byte[]> d, int start, int end) {
      int n = end - start;
      List<byte[]> out = new ArrayList<>();
      if (n == 1) {
        return out;
      }
      int k = largestPowerOfTwoBelow(n);
      if (m < k) {
        out.addAll(path(m, d, start, start + k));
        out.add(mth(d, start + k, end));
      } else {
        out.addAll(path(m - k, d, start + k, end));
        out.add(mth(d, start, start + k));
      }
      return out;
    }

    static List<byte[]> proof(int m, List<byte[]> d, int n) {
      return 0 < m && m < n ? subproof(m, d, 0, n, true) : new ArrayList<>();
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, int start, int end, boolean b) {
      int n = end - start;
      List<byte[]> out = new ArrayList<>();
      if (m == n) {
        if (!b) {
          out.add(mth(d, start, end));
        }
        return out;
      }
      int k = largestPowerOfTwoBelow(n);
      if (m <= k) {
        out.addAll(subproof(m, d, start, start + k, b));
        out.add(mth(d, start + k, end));
      } else {
        out.addAll(subproof(m - k, d, start + k, end, false));
        out.add(mth(d, start, start + k));
      }
      return out;
    }

    private static int largestPowerOfTwoBelow(int n) {
      int k = 1;
      while (k * 2 < n) {
        k *= 2;
      }
      return k;
    }

    private static byte[] sha256(byte[]... parts) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
          md.update(p);
        }
        return md.digest();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
