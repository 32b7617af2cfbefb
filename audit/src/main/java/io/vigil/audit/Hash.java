package io.vigil.audit;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** A SHA-256 value of the Merkle tree: a leaf hash, a node hash or a root. */
public final class Hash {

  /** The length of a SHA-256 value in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The hash with these 32 bytes. */
  public static Hash of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a hash has 32 bytes, not " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  /** The hash written in standard base64, as proofs and checkpoints carry it. */
  public static Hash fromBase64(String base64) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64: " + base64, e);
    }
    if (decoded.length != LENGTH) {
      throw new IllegalArgumentException(
          "a hash has 32 bytes, not " + decoded.length + ": " + base64);
    }
    return new Hash(decoded);
  }

  static Hash wrap(byte[] bytes) {
    return new Hash(bytes);
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  byte[] unsafeBytes() {
    return bytes;
  }

  /** Standard base64 with padding. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Lower-case hex. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return base64();
  }
}
