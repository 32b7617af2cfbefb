package io.vigil.audit;

import io.vigil.canonical.Sha256;
import java.security.MessageDigest;

/** The RFC 9162 leaf and node hashes of the ledger's Merkle tree. */
final class Digests {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Sha256::digest);

  private Digests() {}

  /** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
  static byte[] leaf(byte[] entry) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0);
    return md.digest(entry);
  }

  /** RFC 9162 node hash: SHA-256(0x01 || left || right). */
  static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = SHA256.get();
    md.update((byte) 1);
    md.update(left);
    return md.digest(right);
  }
}
