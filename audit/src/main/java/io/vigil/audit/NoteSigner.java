package io.vigil.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs checkpoints with Ed25519; the gateway holds the key and passes a signer to the ledger.
 *
 * <p>Implementations must be safe to call from the ledger's writer thread.
 */
public interface NoteSigner {

  /** The key name on signature lines; for a checkpoint usually the log's origin. */
  String keyName();

  /** The raw 32-byte Ed25519 public key. */
  byte[] publicKey();

  /** The 64-byte Ed25519 signature of these bytes. */
  byte[] sign(byte[] message);

  /** The public half, for checking what this signer signed. */
  default VerifierKey verifierKey() {
    return VerifierKey.of(keyName(), publicKey());
  }

  /** A signer over a JCA Ed25519 key pair. */
  static NoteSigner ed25519(String keyName, KeyPair keyPair) {
    VerifierKey.checkName(keyName);
    byte[] raw = VerifierKey.raw(keyPair.getPublic());
    PrivateKey key = keyPair.getPrivate();
    if (!"Ed25519".equalsIgnoreCase(key.getAlgorithm())
        && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
    return new NoteSigner() {
      @Override
      public String keyName() {
        return keyName;
      }

      @Override
      public byte[] publicKey() {
        return raw.clone();
      }

      @Override
      public byte[] sign(byte[] message) {
        try {
          Signature signature = Signature.getInstance("Ed25519");
          signature.initSign(key);
          signature.update(message);
          return signature.sign();
        } catch (GeneralSecurityException e) {
          throw new AuditException(
              AuditException.Code.SIGN_FAILED, "Ed25519 signing failed: " + e.getMessage(), e);
        }
      }
    };
  }
}
