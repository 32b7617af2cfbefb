package io.vigil.trust;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Ed25519 public keys as raw 32 bytes, and signature checks, with the JDK's own provider. */
public final class Ed25519 {

  // The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410): 12 bytes, then the key.
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private static final int SIGNATURE_LENGTH = 64;

  private Ed25519() {}

  /** The raw 32-byte public key of a JDK Ed25519 key. */
  public static byte[] raw(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  /** A JDK public key from its raw 32 bytes. */
  public static PublicKey publicKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key", e);
    }
  }

  /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code raw}. */
  public static boolean verify(byte[] raw, byte[] message, byte[] signature) {
    // The JDK 17 provider splits a signature of any length in halves, so 64 bytes with a zero
    // appended verified (Wycheproof ed25519 tcId 37): a second encoding of one signature.
    if (signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey(raw));
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
