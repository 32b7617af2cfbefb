package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SignedNoteTest {

  // The example key and note of the Go reference implementation (golang.org/x/mod/sumdb/note).
  private static final String SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  private static final String VKEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  private static final String TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  private static final String NOTE =
      TEXT
          + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  private static NoteSigner peterNeumann() {
    byte[] key = Base64.getDecoder().decode(SKEY.split("\\+", 5)[4]);
    return NoteSigner.ed25519("PeterNeumann", TestLedgers.keyPair(Arrays.copyOfRange(key, 1, 33)));
  }

  @Test
  void signsExactlyAsTheGoReferenceImplementation() {
    // given the reference key
    NoteSigner signer = peterNeumann();

    // when
    String note = SignedNote.sign(TEXT, signer);

    // then
    assertEquals(NOTE, note);
    assertEquals(VKEY, signer.verifierKey().toString());
  }

  @Test
  void parsesAVerifierKeyAndChecksItsId() {
    VerifierKey key = VerifierKey.parse(VKEY);

    assertEquals("PeterNeumann", key.name());
    assertEquals("c74f20a3", key.keyIdHex());
    assertThrows(
        IllegalArgumentException.class,
        () -> VerifierKey.parse(VKEY.replace("c74f20a3", "c74f20a4")));
  }

  @Test
  void opensTheReferenceNoteWithThePublicKeyOnly() {
    assertEquals(TEXT, SignedNote.verifiedBody(NOTE, VerifierKey.parse(VKEY)));
  }

  @Test
  void refusesANoteWhoseTextChanged() {
    String altered = NOTE.replace("answer", "Answer");

    AuditException e =
        assertThrows(
            AuditException.class, () -> SignedNote.verifiedBody(altered, VerifierKey.parse(VKEY)));

    assertEquals(AuditException.Code.INVALID_CHECKPOINT, e.code());
  }

  @Test
  void refusesANoteWithoutASignatureOfTheKey() {
    VerifierKey other = TestLedgers.signer().verifierKey();

    AuditException e =
        assertThrows(AuditException.class, () -> SignedNote.verifiedBody(NOTE, other));

    assertEquals(AuditException.Code.INVALID_CHECKPOINT, e.code());
  }

  @Test
  void writesACheckpointInTheTlogCheckpointFormat() {
    // given
    NoteSigner signer = TestLedgers.signer();
    Hash root = Hash.of(Sha256.of("x".getBytes(StandardCharsets.UTF_8)));

    // when
    Checkpoint c = Checkpoint.sign("vigil.test/site-1/gateway-1", 42, root, signer);

    // then: origin, size, base64 root, blank line, one signature line of 4 + 64 bytes
    String[] lines = c.note().split("\n", -1);
    assertEquals("vigil.test/site-1/gateway-1", lines[0]);
    assertEquals("42", lines[1]);
    assertEquals(root.base64(), lines[2]);
    assertEquals("", lines[3]);
    String prefix = "— " + signer.keyName() + " ";
    assertEquals(prefix, lines[4].substring(0, prefix.length()));
    byte[] sig = Base64.getDecoder().decode(lines[4].substring(prefix.length()));
    assertEquals(68, sig.length);
    assertEquals(signer.verifierKey().keyIdHex(), java.util.HexFormat.of().formatHex(sig, 0, 4));
    assertEquals("", lines[5]);
    assertEquals(c, Checkpoint.open(c.note(), signer.verifierKey()));
  }
}
