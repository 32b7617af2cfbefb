package io.vigil.trust.key;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Key files in PEM, read and written with Bouncy Castle: the private key as PKCS#8 ({@code PRIVATE
 * KEY}, mode 0600, refused when its group or others may read it), the public key as X.509
 * SubjectPublicKeyInfo ({@code PUBLIC KEY}).
 */
public final class KeyFiles {

  /** A private key file's suffix. */
  public static final String PRIVATE_SUFFIX = ".key";

  /** A public key file's suffix. */
  public static final String PUBLIC_SUFFIX = ".pub";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /**
   * Writes {@code NAME.key} (0600) and {@code NAME.pub} in {@code dir}; an existing key of that
   * name is never replaced.
   */
  public static void write(SigningKey key, Path dir, String name) {
    Path privateFile = dir.resolve(name + PRIVATE_SUFFIX);
    try {
      Files.createDirectories(dir);
      if (Files.exists(privateFile)) {
        throw new FileAlreadyExistsException(privateFile.toString());
      }
      Path pub =
          Files.createTempFile(
              dir,
              "." + name + "-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
      Files.writeString(pub, publicKeyPem(key));
      Files.move(
          pub,
          dir.resolve(name + PUBLIC_SUFFIX),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Path temp =
          Files.createTempFile(
              dir, "." + name + "-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try {
        Files.writeString(temp, pem("PRIVATE KEY", key.pkcs8()));
        // A link, not a move: a key that appeared meanwhile is never replaced.
        Files.createLink(privateFile, temp);
      } finally {
        Files.delete(temp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new TrustException(
          Code.KEY_WRITE_FAILED, privateFile + " already exists; a key is never overwritten");
    } catch (IOException e) {
      throw new TrustException(
          Code.KEY_WRITE_FAILED, "cannot write the key " + privateFile + ": " + e, e);
    }
  }

  /**
   * Reads a private key file; refuses one that others may read, or that is not an Ed25519 PKCS#8
   * key.
   */
  public static SigningKey readPrivate(Path file) {
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
          throw new TrustException(
              Code.KEY_INVALID,
              "private key "
                  + file
                  + " has mode "
                  + PosixFilePermissions.toString(perms)
                  + "; it must be readable by its owner only (chmod 600)");
        }
      }
      Object parsed = parse(Files.readString(file, StandardCharsets.US_ASCII));
      if (!(parsed instanceof PrivateKeyInfo info)) {
        throw new IllegalArgumentException("it holds no PRIVATE KEY block");
      }
      return SigningKey.fromPkcs8(info.getEncoded());
    } catch (IOException e) {
      throw new TrustException(
          Code.KEY_INVALID, "private key " + file + " cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new TrustException(
          Code.KEY_INVALID,
          "private key " + file + " is not an Ed25519 PKCS#8 PEM key: " + e.getMessage(),
          e);
    }
  }

  /** Reads an Ed25519 public key file as TUF writes the key. */
  public static PublicKey readPublic(Path file) {
    try {
      Object parsed = parse(Files.readString(file, StandardCharsets.US_ASCII));
      if (!(parsed instanceof SubjectPublicKeyInfo info)) {
        throw new IllegalArgumentException("it holds no PUBLIC KEY block");
      }
      if (!info.getAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519)) {
        throw new IllegalArgumentException(
            "its algorithm is " + info.getAlgorithm().getAlgorithm());
      }
      byte[] raw = info.getPublicKeyData().getBytes();
      return new PublicKey(
          PublicKey.ED25519, PublicKey.ED25519, java.util.HexFormat.of().formatHex(raw));
    } catch (IOException e) {
      throw new TrustException(Code.KEY_INVALID, "public key " + file + " cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new TrustException(
          Code.KEY_INVALID,
          "public key " + file + " is not an Ed25519 PEM key: " + e.getMessage(),
          e);
    }
  }

  /** The public half of {@code key} as a PEM {@code PUBLIC KEY}, as {@link #write} writes it. */
  public static String publicKeyPem(SigningKey key) {
    return pem("PUBLIC KEY", key.jdkPublicKey().getEncoded());
  }

  /** {@code der} as PEM of {@code type}, 64 characters a line. */
  public static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return out.toString();
  }

  private static Object parse(String text) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o = parser.readObject();
      if (o == null) {
        throw new IllegalArgumentException("it holds no PEM block");
      }
      return o;
    }
  }
}
