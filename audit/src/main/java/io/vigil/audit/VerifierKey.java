package io.vigil.audit;

import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The public half of a checkpoint signer: a key name and a raw Ed25519 public key, everything that
 * checking a checkpoint or a proof needs.
 *
 * <p>Its text form is the C2SP signed-note verifier key {@code <name>+<hex key id>+<base64(0x01 ||
 * public key)>}; the key id is the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
 */
public final class VerifierKey {

  static final byte ED25519 = 0x01;
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final String name;
  private final byte[] publicKey;
  private final byte[] keyId;
  private final PublicKey jcaKey;

  private VerifierKey(String name, byte[] publicKey) {
    this.name = name;
    this.publicKey = publicKey;
    this.keyId = keyId(name, publicKey);
    this.jcaKey = toJca(publicKey);
  }

  /** The key with this name and raw 32-byte Ed25519 public key. */
  public static VerifierKey of(String name, byte[] rawPublicKey) {
    checkName(name);
    if (rawPublicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has 32 bytes, not " + rawPublicKey.length);
    }
    return new VerifierKey(name, rawPublicKey.clone());
  }

  /** The key from its C2SP text form {@code name+keyid+base64}. */
  public static VerifierKey parse(String vkey) {
    // The name holds no '+', but the base64 key may: split at the first two only.
    String[] parts = vkey.split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("a verifier key is name+keyid+key: " + vkey);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("verifier key is not base64: " + vkey, e);
    }
    if (key.length != 33 || key[0] != ED25519) {
      throw new IllegalArgumentException("not an Ed25519 verifier key: " + vkey);
    }
    VerifierKey parsed = of(parts[0], Arrays.copyOfRange(key, 1, 33));
    if (!parsed.keyIdHex().equals(parts[1])) {
      throw new IllegalArgumentException("verifier key's id does not match its key: " + vkey);
    }
    return parsed;
  }

  /** The key name, as signature lines carry it. */
  public String name() {
    return name;
  }

  /** A copy of the raw 32-byte Ed25519 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 4-byte key id, lower-case hex. */
  public String keyIdHex() {
    return HexFormat.of().formatHex(keyId);
  }

  byte[] keyId() {
    return keyId.clone();
  }

  boolean verify(byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(jcaKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static byte[] keyId(String name, byte[] publicKey) {
    var md = Sha256.digest();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ED25519);
    return Arrays.copyOf(md.digest(publicKey), 4);
  }

  /** The raw 32 bytes of a JCA Ed25519 public key. */
  static byte[] raw(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded.length != 44
        || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(encoded, 12, 44);
  }

  private static PublicKey toJca(byte[] raw) {
    byte[] encoded = Arrays.copyOf(X509_PREFIX, 44);
    System.arraycopy(raw, 0, encoded, 12, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key", e);
    }
  }

  static void checkName(String name) {
    Objects.requireNonNull(name, "key name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("key name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20) {
        throw new IllegalArgumentException(
            "key name must not hold spaces or '+': \"" + name + "\"");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey k
        && name.equals(k.name)
        && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(publicKey);
  }

  /** The C2SP verifier key text. */
  @Override
  public String toString() {
    byte[] key = new byte[33];
    key[0] = ED25519;
    System.arraycopy(publicKey, 0, key, 1, 32);
    return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(key);
  }
}
