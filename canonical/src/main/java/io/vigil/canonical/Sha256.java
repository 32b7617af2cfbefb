package io.vigil.canonical;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, as raw bytes or as the lower-case hex that manifests, store paths and the ledger use.
 */
public final class Sha256 {

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::digest);

  private Sha256() {}

  /** The digest of these bytes. */
  public static byte[] of(byte[] bytes) {
    return DIGEST.get().digest(bytes);
  }

  /** The digest of these bytes, lower-case hex. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(of(bytes));
  }

  /** A new SHA-256 digest, for input that arrives in pieces. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
