package io.vigil.trust.key;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.Ed25519;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PEM key files: what is written is read back, a private key stays private and is never replaced.
 */
class KeyFilesTest {

  @TempDir Path dir;

  @Test
  void readsBackTheKeysItWrote() {
    SigningKey key = SigningKey.generate();
    KeyFiles.write(key, dir, "targets");

    SigningKey read = KeyFiles.readPrivate(dir.resolve("targets.key"));
    PublicKey readPublic = KeyFiles.readPublic(dir.resolve("targets.pub"));

    assertEquals(key.publicKey(), read.publicKey());
    assertEquals(key.publicKey(), readPublic);
    byte[] message = "signed".getBytes(UTF_8);
    assertTrue(key.publicKey().verify(message, read.sign(message)));
  }

  @Test
  void writesAPrivateKeyOnlyItsOwnerCanRead() throws Exception {
    KeyFiles.write(SigningKey.generate(), dir, "root");

    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("root.key"))));
    assertTrue(Files.readString(dir.resolve("root.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(dir.resolve("root.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("root.key", "root.pub"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw-rw----"})
  void refusesAPrivateKeyThatOthersMayRead(String mode) throws Exception {
    KeyFiles.write(SigningKey.generate(), dir, "root");
    Path file = dir.resolve("root.key");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

    assertRefused(
        Code.KEY_INVALID,
        () -> KeyFiles.readPrivate(file),
        "private key " + file + " has mode " + mode,
        "chmod 600");
  }

  @Test
  void readsAPrivateKeyThatOnlyItsOwnerMayRead() throws Exception {
    SigningKey key = SigningKey.generate();
    KeyFiles.write(key, dir, "root");
    Files.setPosixFilePermissions(
        dir.resolve("root.key"), PosixFilePermissions.fromString("r--------"));

    SigningKey read = KeyFiles.readPrivate(dir.resolve("root.key"));

    assertEquals(key.publicKey(), read.publicKey());
  }

  @Test
  void neverOverwritesAnExistingKey() throws Exception {
    SigningKey first = SigningKey.generate();
    KeyFiles.write(first, dir, "root");
    String privateBefore = Files.readString(dir.resolve("root.key"));
    String publicBefore = Files.readString(dir.resolve("root.pub"));

    assertRefused(
        Code.KEY_WRITE_FAILED,
        () -> KeyFiles.write(SigningKey.generate(), dir, "root"),
        dir.resolve("root.key") + " already exists; a key is never overwritten");

    assertEquals(privateBefore, Files.readString(dir.resolve("root.key")));
    assertEquals(publicBefore, Files.readString(dir.resolve("root.pub")));
    assertEquals(first.publicKey(), KeyFiles.readPrivate(dir.resolve("root.key")).publicKey());
  }

  @Test
  void readsAnEd25519KeyThatTheJdkEncoded() throws Exception {
    KeyPair jdk = ForeignKeys.generate("Ed25519", 255);
    Path file = dir.resolve("jdk.key");
    Files.writeString(file, KeyFiles.pem("PRIVATE KEY", jdk.getPrivate().getEncoded()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    SigningKey read = KeyFiles.readPrivate(file);

    assertEquals(
        HexFormat.of().formatHex(Ed25519.raw(jdk.getPublic())), read.publicKey().publicValue());
  }

  @Test
  void refusesAPrivateKeyOfAnotherAlgorithm() throws Exception {
    KeyPair rsa = ForeignKeys.generate("RSA", 2048);
    Path file = dir.resolve("rsa.key");
    Files.writeString(file, KeyFiles.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertRefused(
        Code.KEY_INVALID,
        () -> KeyFiles.readPrivate(file),
        "private key " + file + " is not an Ed25519 PKCS#8 PEM key");
  }

  @Test
  void refusesAPublicKeyOfAnotherAlgorithm() throws Exception {
    Path file = dir.resolve("ec.pub");
    Files.writeString(file, ForeignKeys.ecdsa("ecdsa").tufKey().publicValue());

    assertRefused(
        Code.KEY_INVALID,
        () -> KeyFiles.readPublic(file),
        "public key " + file + " is not an Ed25519 PEM key: its algorithm is 1.2.840.10045.2.1");
  }

  @Test
  void refusesAFileWithoutAPemBlock() throws Exception {
    Path file = dir.resolve("empty.pub");
    Files.writeString(file, "not a key\n");

    assertRefused(Code.KEY_INVALID, () -> KeyFiles.readPublic(file), "it holds no PEM block");
  }

  @Test
  void refusesAMissingKeyFile() {
    Path file = dir.resolve("missing.key");

    assertRefused(Code.KEY_INVALID, () -> KeyFiles.readPrivate(file), "private key " + file);
  }

  private static void assertRefused(Code code, Executable action, String... words) {
    TrustException e = assertThrows(TrustException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    for (String word : words) {
      assertTrue(e.getMessage().contains(word), e.getMessage());
    }
  }
}
