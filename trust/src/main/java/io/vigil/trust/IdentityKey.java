package io.vigil.trust;

import io.vigil.trust.TrustException.Code;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway's own Ed25519 identity: it signs ledger checkpoints and, later, summaries.
 *
 * <p>Created on first start as {@code identity.key} (PKCS#8 PEM, mode 0600) and {@code
 * identity.pub} (X.509 PEM) in the key directory; a private key file readable by others is refused.
 */
public final class IdentityKey {

  /** The key files' base name. */
  static final String NAME = "identity";

  /** The private key file's name. */
  public static final String PRIVATE_FILE = NAME + KeyFiles.PRIVATE_SUFFIX;

  /** The public key file's name. */
  public static final String PUBLIC_FILE = NAME + KeyFiles.PUBLIC_SUFFIX;

  private final String name;
  private final SigningKey key;

  private IdentityKey(String name, SigningKey key) {
    this.name = name;
    this.key = key;
  }

  /** Loads the key in {@code dir}, or creates one there if there is none. */
  public static IdentityKey loadOrCreate(Path dir, String name) {
    if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
      try {
        KeyFiles.write(SigningKey.generate(), dir, NAME);
      } catch (TrustException e) {
        // Another process created it meanwhile: the first one created stays the identity.
        if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
          throw e;
        }
      }
    }
    return load(dir, name);
  }

  /** Loads the key in {@code dir}; a missing, malformed or world-readable key is refused. */
  public static IdentityKey load(Path dir, String name) {
    SigningKey key = KeyFiles.readPrivate(dir.resolve(PRIVATE_FILE));
    PublicKey published = KeyFiles.readPublic(dir.resolve(PUBLIC_FILE));
    if (!published.equals(key.publicKey())) {
      throw new TrustException(
          Code.KEY_INVALID,
          "identity keys in "
              + dir
              + " do not belong together: "
              + PUBLIC_FILE
              + " is not the public half of "
              + PRIVATE_FILE);
    }
    return new IdentityKey(name, key);
  }

  /**
   * The raw public key in {@code dir}, read without the private key: what an inspector who may not
   * read the private key uses to check checkpoints.
   */
  public static byte[] readPublicKey(Path dir) {
    return HexFormat.of().parseHex(KeyFiles.readPublic(dir.resolve(PUBLIC_FILE)).publicValue());
  }

  /** The key's name, as it appears in signed notes. */
  public String name() {
    return name;
  }

  /**
   * The same key under another name: the gateway's name on MQTT ({@code sync.gateway-id}) where it
   * differs from the checkpoints' origin.
   */
  public IdentityKey named(String otherName) {
    return new IdentityKey(otherName, key);
  }

  /** The raw 32-byte public key. */
  public byte[] publicKeyRaw() {
    return key.publicKeyRaw();
  }

  /** The public key as PEM, for the manufacturer and for {@code vigil identity}. */
  public String publicKeyPem() {
    return KeyFiles.publicKeyPem(key);
  }

  /** The public half as TUF writes it: what a receiver registers for this gateway. */
  public PublicKey publicKey() {
    return key.publicKey();
  }

  /** Signs {@code payload} of {@code payloadType} into a DSSE envelope (summaries, events). */
  public Envelope signEnvelope(String payloadType, byte[] payload) {
    return Envelope.sign(payloadType, payload, List.of(key));
  }

  /** Signs {@code message} with Ed25519. */
  public byte[] sign(byte[] message) {
    return key.sign(message);
  }
}
