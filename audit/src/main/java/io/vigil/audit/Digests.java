package io.vigil.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and the RFC 9162 leaf and node hashes. */
final class Digests {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digests::sha256);

  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    return SHA256.get().digest(bytes);
  }

  static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

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
