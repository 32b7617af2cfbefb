package io.vigil.trust.key;

import io.vigil.trust.Ed25519;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm;

/**
 * An Ed25519 private key with its TUF public key: what Vigil and its manufacturers sign with.
 *
 * <p>Signing uses Bouncy Castle's Ed25519 rather than the JDK's: the signature is the same (Ed25519
 * is deterministic, RFC 8032), and it takes about 55 µs here against the JDK 17 provider's 530 µs,
 * which mattered where the ledger's writer signs a checkpoint every thousand entries and every
 * request waited behind it.
 */
public final class SigningKey {

  // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410): 16 bytes, then the 32-byte seed.
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private final PublicKey publicKey;
  // Immutable, so one serves every thread; it keeps the public key it derives.
  private final Ed25519PrivateKeyParameters signer;

  private SigningKey(Ed25519PrivateKeyParameters signer, PublicKey publicKey) {
    this.signer = signer;
    this.publicKey = publicKey;
  }

  /** A new random key. */
  public static SigningKey generate() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return fromSeed(seed);
  }

  /**
   * The key of a 32-byte seed: the same seed gives the same key, which is what a reproducible
   * demonstration repository needs and nothing else should use.
   */
  public static SigningKey fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
    }
    byte[] pkcs8 = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
    System.arraycopy(seed, 0, pkcs8, PKCS8_PREFIX.length, 32);
    return fromPkcs8(pkcs8);
  }

  /** The key of a PKCS#8 encoding; throws {@link IllegalArgumentException} if it is not Ed25519. */
  public static SigningKey fromPkcs8(byte[] pkcs8) {
    if (pkcs8.length != PKCS8_PREFIX.length + 32
        || !Arrays.equals(pkcs8, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 PKCS#8 private key");
    }
    // Every 32-byte seed is an Ed25519 key: past the encoding's check nothing can be refused.
    Ed25519PrivateKeyParameters signer =
        new Ed25519PrivateKeyParameters(pkcs8, PKCS8_PREFIX.length);
    byte[] raw = signer.generatePublicKey().getEncoded();
    return new SigningKey(
        signer, new PublicKey(PublicKey.ED25519, PublicKey.ED25519, HexFormat.of().formatHex(raw)));
  }

  /** The public half, as TUF writes it. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The TUF key id of the public half. */
  public String keyId() {
    return publicKey.keyId();
  }

  /** The raw 32-byte public key. */
  public byte[] publicKeyRaw() {
    return HexFormat.of().parseHex(publicKey.publicValue());
  }

  /** The JDK public key, for writing it as PEM. */
  java.security.PublicKey jdkPublicKey() {
    return Ed25519.publicKey(publicKeyRaw());
  }

  /** The PKCS#8 encoding of the private key, for writing it to a key file. */
  byte[] pkcs8() {
    byte[] pkcs8 = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
    signer.encode(pkcs8, PKCS8_PREFIX.length);
    return pkcs8;
  }

  /** Signs {@code message}. */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
    signer.sign(Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    return signature;
  }

  @Override
  public String toString() {
    return "SigningKey[" + publicKey + "]";
  }
}
