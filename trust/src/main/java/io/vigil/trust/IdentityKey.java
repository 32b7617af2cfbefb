package io.vigil.trust;

import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * The gateway's own Ed25519 identity: it signs ledger checkpoints and, later, summaries.
 *
 * <p>Created on first start as {@code identity.key} (PKCS#8 PEM, mode 0600) and {@code
 * identity.pub} (X.509 PEM) in the key directory; a private key file readable by others is refused.
 */
public final class IdentityKey {

  /** The private key file's name. */
  public static final String PRIVATE_FILE = "identity.key";

  /** The public key file's name. */
  public static final String PUBLIC_FILE = "identity.pub";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final String name;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  // Initialising a Signature costs more than a small signature; each thread keeps one.
  private final ThreadLocal<Signature> signers;

  private IdentityKey(String name, PrivateKey privateKey, PublicKey publicKey) {
    this.name = name;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.signers =
        ThreadLocal.withInitial(
            () -> {
              try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(privateKey);
                return signer;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 is not available", e);
              }
            });
  }

  /** Loads the key in {@code dir}, or creates one there if there is none. */
  public static IdentityKey loadOrCreate(Path dir, String name) {
    Path file = dir.resolve(PRIVATE_FILE);
    if (!Files.exists(file)) {
      create(dir);
    }
    return load(dir, name);
  }

  /** Loads the key in {@code dir}; a missing, malformed or world-readable key is refused. */
  public static IdentityKey load(Path dir, String name) {
    Path file = dir.resolve(PRIVATE_FILE);
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
          throw new TrustException(
              Code.KEY_INVALID,
              "identity key "
                  + file
                  + " has mode "
                  + PosixFilePermissions.toString(perms)
                  + "; it must be readable by its owner only (chmod 600)");
        }
      }
      byte[] der =
          Pem.decode(
              Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file.toString());
      PrivateKey privateKey =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      Path pubFile = dir.resolve(PUBLIC_FILE);
      byte[] pubDer =
          Pem.decode(
              Files.readString(pubFile, StandardCharsets.US_ASCII),
              "PUBLIC KEY",
              pubFile.toString());
      PublicKey publicKey =
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(pubDer));
      IdentityKey key = new IdentityKey(name, privateKey, publicKey);
      byte[] challenge = "vigil identity check".getBytes(StandardCharsets.US_ASCII);
      if (!Ed25519.verify(key.publicKeyRaw(), challenge, key.sign(challenge))) {
        throw new TrustException(
            Code.KEY_INVALID,
            "identity keys in "
                + dir
                + " do not belong together: "
                + PUBLIC_FILE
                + " is not the public half of "
                + PRIVATE_FILE);
      }
      return key;
    } catch (IOException e) {
      throw new TrustException(
          Code.KEY_INVALID, "identity key " + file + " cannot be read: " + e, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TrustException(
          Code.KEY_INVALID,
          "identity key " + file + " is not an Ed25519 PKCS#8 key: " + e.getMessage(),
          e);
    }
  }

  private static void create(Path dir) {
    try {
      Files.createDirectories(dir);
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      Path temp =
          Files.createTempFile(
              dir, ".identity-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(
          temp,
          Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()),
          StandardCharsets.US_ASCII);
      // The public half goes first, so that a key file never exists without it.
      Path pub = Files.createTempFile(dir, ".identity-", ".pub");
      Files.writeString(
          pub, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
      Files.move(
          pub,
          dir.resolve(PUBLIC_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      try {
        // Never replace a key that appeared meanwhile: the first one created stays the identity.
        Files.createLink(dir.resolve(PRIVATE_FILE), temp);
      } catch (FileAlreadyExistsException e) {
        return;
      } finally {
        Files.delete(temp);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new TrustException(
          Code.KEY_WRITE_FAILED, "cannot create the identity key in " + dir + ": " + e, e);
    }
  }

  /**
   * The raw public key in {@code dir}, read without the private key: what an inspector who may not
   * read the private key uses to check checkpoints.
   */
  public static byte[] readPublicKey(Path dir) {
    Path file = dir.resolve(PUBLIC_FILE);
    try {
      byte[] der =
          Pem.decode(
              Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file.toString());
      return Ed25519.raw(
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
    } catch (IOException e) {
      throw new TrustException(Code.KEY_INVALID, "public key " + file + " cannot be read: " + e, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TrustException(
          Code.KEY_INVALID, "public key " + file + " is not an Ed25519 key: " + e.getMessage(), e);
    }
  }

  /** The key's name, as it appears in signed notes. */
  public String name() {
    return name;
  }

  /** The raw 32-byte public key. */
  public byte[] publicKeyRaw() {
    return Ed25519.raw(publicKey);
  }

  /** The public key as PEM, for the manufacturer and for {@code vigil identity}. */
  public String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
  }

  /** Signs {@code message} with Ed25519. */
  public byte[] sign(byte[] message) {
    try {
      Signature signer = signers.get();
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** PEM: base64 of DER between BEGIN and END lines, 64 characters a line. */
  static final class Pem {
    private Pem() {}

    static String encode(String type, byte[] der) {
      return "-----BEGIN "
          + type
          + "-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END "
          + type
          + "-----\n";
    }

    static byte[] decode(String pem, String type, String source) {
      String begin = "-----BEGIN " + type + "-----";
      String end = "-----END " + type + "-----";
      int from = pem.indexOf(begin);
      int to = pem.indexOf(end);
      if (from < 0 || to < from) {
        throw new IllegalArgumentException(source + " holds no " + type + " block");
      }
      return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
  }
}
