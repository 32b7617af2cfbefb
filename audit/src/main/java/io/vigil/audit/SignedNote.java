package io.vigil.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The C2SP signed-note format: a body of newline-terminated lines, a blank line, and signature
 * lines {@code — <key name> <base64(4-byte key id || signature)>}; a signature covers the body
 * including its final newline.
 */
final class SignedNote {

  static final String DASH = "\u2014 ";
  private static final int MAX_SIGNATURES = 100;

  private SignedNote() {}

  static String sign(String body, NoteSigner signer) {
    if (!body.endsWith("\n") || body.contains("\n\n")) {
      throw new IllegalArgumentException("a note body is non-empty lines, each ending in \\n");
    }
    byte[] signature;
    try {
      signature = signer.sign(body.getBytes(StandardCharsets.UTF_8));
    } catch (AuditException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AuditException(
          AuditException.Code.SIGN_FAILED, "the checkpoint signer failed: " + e.getMessage(), e);
    }
    if (signature.length != 64) {
      throw new AuditException(
          AuditException.Code.SIGN_FAILED,
          "the checkpoint signer returned " + signature.length + " bytes, not a 64-byte signature");
    }
    byte[] keyId = VerifierKey.keyId(signer.keyName(), signer.publicKey());
    byte[] sig = new byte[68];
    System.arraycopy(keyId, 0, sig, 0, 4);
    System.arraycopy(signature, 0, sig, 4, 64);
    return body
        + "\n"
        + DASH
        + signer.keyName()
        + " "
        + Base64.getEncoder().encodeToString(sig)
        + "\n";
  }

  /**
   * The body of a note that this key signed; signatures of other keys are ignored, as the spec
   * says.
   */
  static String verifiedBody(String note, VerifierKey key) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw invalid("no blank line between body and signatures");
    }
    String body = note.substring(0, split + 1);
    String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw invalid("more than " + MAX_SIGNATURES + " signatures");
    }
    byte[] message = body.getBytes(StandardCharsets.UTF_8);
    for (String line : lines) {
      if (!line.startsWith(DASH)) {
        throw invalid("signature line does not start with an em dash: " + line);
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(DASH.length(), space);
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(line.substring(space + 1));
      } catch (IllegalArgumentException e) {
        throw invalid("signature is not base64: " + line);
      }
      if (sig.length < 5) {
        throw invalid("signature too short: " + line);
      }
      if (!name.equals(key.name()) || !Arrays.equals(sig, 0, 4, key.keyId(), 0, 4)) {
        continue;
      }
      if (sig.length != 68 || !key.verify(message, Arrays.copyOfRange(sig, 4, 68))) {
        throw invalid("the signature of " + key.name() + " does not verify");
      }
      return body;
    }
    throw invalid("no signature by " + key.name() + " (key id " + key.keyIdHex() + ")");
  }

  private static AuditException invalid(String why) {
    return new AuditException(AuditException.Code.INVALID_CHECKPOINT, why);
  }
}
