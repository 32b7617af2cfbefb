package io.vigil.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityKeyTest {

  @TempDir Path dir;

  @Test
  void createsAKeyOnFirstUseReadableByItsOwnerOnly() throws Exception {
    IdentityKey key = IdentityKey.loadOrCreate(dir, "gw");

    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(IdentityKey.PRIVATE_FILE))));
    assertEquals(32, key.publicKeyRaw().length);
    assertTrue(
        Files.readString(dir.resolve(IdentityKey.PUBLIC_FILE))
            .startsWith("-----BEGIN PUBLIC KEY-----"));
    assertEquals(key.publicKeyPem(), Files.readString(dir.resolve(IdentityKey.PUBLIC_FILE)));
  }

  @Test
  void keepsTheSameIdentityAcrossRestarts() {
    byte[] first = IdentityKey.loadOrCreate(dir, "gw").publicKeyRaw();

    byte[] second = IdentityKey.loadOrCreate(dir, "gw").publicKeyRaw();

    assertArrayEquals(first, second);
  }

  @Test
  void signaturesVerifyWithTheRawPublicKeyOnly() {
    IdentityKey key = IdentityKey.loadOrCreate(dir, "gw");
    byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);

    byte[] signature = key.sign(message);

    assertTrue(Ed25519.verify(key.publicKeyRaw(), message, signature));
    signature[0] ^= 1;
    assertFalse(Ed25519.verify(key.publicKeyRaw(), message, signature));
  }

  @Test
  void refusesAPrivateKeyThatOthersCanRead() throws Exception {
    IdentityKey.loadOrCreate(dir, "gw");
    Files.setPosixFilePermissions(
        dir.resolve(IdentityKey.PRIVATE_FILE), PosixFilePermissions.fromString("rw-r--r--"));

    TrustException e = assertThrows(TrustException.class, () -> IdentityKey.load(dir, "gw"));

    assertEquals(TrustException.Code.KEY_INVALID, e.code());
    assertTrue(
        e.getMessage()
            .contains("has mode rw-r--r--; it must be readable by its owner only (chmod 600)"),
        e.getMessage());
  }

  @Test
  void refusesAPublicKeyThatIsNotThePrivateKeysHalf(@TempDir Path other) throws Exception {
    IdentityKey.loadOrCreate(dir, "gw");
    IdentityKey.loadOrCreate(other, "gw");
    Files.copy(
        other.resolve(IdentityKey.PUBLIC_FILE),
        dir.resolve(IdentityKey.PUBLIC_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    TrustException e = assertThrows(TrustException.class, () -> IdentityKey.load(dir, "gw"));

    assertTrue(e.getMessage().contains("do not belong together"), e.getMessage());
  }

  @Test
  void refusesAMalformedKeyFileAndNamesIt() throws Exception {
    IdentityKey.loadOrCreate(dir, "gw");
    Files.writeString(dir.resolve(IdentityKey.PRIVATE_FILE), "garbage");

    TrustException e = assertThrows(TrustException.class, () -> IdentityKey.load(dir, "gw"));

    assertTrue(e.getMessage().contains(IdentityKey.PRIVATE_FILE), e.getMessage());
  }

  @Test
  void rawKeysRoundTrip() {
    byte[] raw = IdentityKey.loadOrCreate(dir, "gw").publicKeyRaw();

    assertArrayEquals(raw, Ed25519.raw(Ed25519.publicKey(raw)));
  }
}
