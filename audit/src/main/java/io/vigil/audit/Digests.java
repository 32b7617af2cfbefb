package io.vigil.audit;

import io.vigil.canonical.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The RFC 9162 leaf and node hashes of the ledger's Merkle tree, and the SHA-256 of a file. */
final class Digests {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Sha256::digest);

  private Digests() {}

  /** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
  static byte[] leaf(byte[] entry) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0);
    return md.digest(entry);
  }

  /** The SHA-256 of a file's bytes, lower-case hex. */
  static String file(Path file) throws IOException {
    MessageDigest md = Sha256.digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** RFC 9162 node hash: SHA-256(0x01 || left || right). */
  static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = SHA256.get();
    md.update((byte) 1);
    md.update(left);
    return md.digest(right);
  }
}
