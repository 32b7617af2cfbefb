package io.vigil.trust.key;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;

/**
 * Keys of the TUF schemes that Vigil verifies but does not sign with, made with the JDK and written
 * as securesystemslib writes them: PEM SubjectPublicKeyInfo in {@code keyval.public}.
 */
public final class ForeignKeys {

  private ForeignKeys() {}

  /** A TUF public key and the JDK private key and algorithm that sign for it. */
  public record Pair(
      PublicKey tufKey,
      PrivateKey privateKey,
      String algorithm,
      Optional<AlgorithmParameterSpec> parameters) {

    /** Signs {@code message} as securesystemslib signs for this scheme. */
    public byte[] sign(byte[] message) {
      try {
        Signature signer = Signature.getInstance(algorithm);
        if (parameters.isPresent()) {
          signer.setParameter(parameters.get());
        }
        signer.initSign(privateKey);
        signer.update(message);
        return signer.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(algorithm + " signing failed", e);
      }
    }
  }

  /** A new key pair of {@code algorithm} ("EC" with a curve name, or "RSA" with a bit length). */
  public static KeyPair generate(String algorithm, Object size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (size instanceof String curve) {
        generator.initialize(new ECGenParameterSpec(curve));
      } else {
        generator.initialize((Integer) size);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new P-256 key as {@code ecdsa-sha2-nistp256} with {@code keyType}, signing DER signatures.
   */
  public static Pair ecdsa(String keyType) {
    return ecdsa(keyType, generate("EC", "secp256r1"));
  }

  /** {@code keys} as {@code ecdsa-sha2-nistp256} with {@code keyType}, signing DER signatures. */
  public static Pair ecdsa(String keyType, KeyPair keys) {
    return new Pair(
        new PublicKey(keyType, "ecdsa-sha2-nistp256", pem(keys.getPublic())),
        keys.getPrivate(),
        "SHA256withECDSA",
        Optional.empty());
  }

  /** {@code keys} as {@code rsassa-pss-sha256}: SHA-256, MGF1-SHA-256, {@code saltLength}. */
  public static Pair rsaPss(KeyPair keys, int saltLength) {
    return new Pair(
        new PublicKey("rsa", "rsassa-pss-sha256", pem(keys.getPublic())),
        keys.getPrivate(),
        "RSASSA-PSS",
        Optional.of(
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltLength, 1)));
  }

  /** {@code keys} as {@code rsa-pkcs1v15-sha256}. */
  public static Pair rsaPkcs1(KeyPair keys) {
    return new Pair(
        new PublicKey("rsa", "rsa-pkcs1v15-sha256", pem(keys.getPublic())),
        keys.getPrivate(),
        "SHA256withRSA",
        Optional.empty());
  }

  /** The longest PSS salt for an RSA key of {@code modulusBits} with SHA-256 (RFC 8017, 9.1.1). */
  public static int maxPssSaltLength(int modulusBits) {
    return (modulusBits - 1 + 7) / 8 - 32 - 2;
  }

  /** {@code key} as PEM SubjectPublicKeyInfo, as securesystemslib writes it. */
  public static String pem(java.security.PublicKey key) {
    return KeyFiles.pem("PUBLIC KEY", key.getEncoded());
  }
}
