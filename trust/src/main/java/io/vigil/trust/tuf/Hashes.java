package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** Length and hash checks of fetched bytes against what a signed role says of them. */
final class Hashes {

  private Hashes() {}

  static void check(
      byte[] data, OptionalLong length, Map<String, String> hashes, Code code, String what) {
    if (length.isPresent() && data.length != length.getAsLong()) {
      throw new TrustException(
          code,
          what + " has " + data.length + " bytes; its signed length is " + length.getAsLong());
    }
    for (Map.Entry<String, String> h : hashes.entrySet()) {
      byte[] expected;
      try {
        expected = HexFormat.of().parseHex(h.getValue().toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TrustException(code, what + ": its signed " + h.getKey() + " is not hex");
      }
      if (!MessageDigest.isEqual(digest(h.getKey(), data, code, what), expected)) {
        throw new TrustException(
            code, what + " does not match its signed " + h.getKey() + " " + h.getValue());
      }
    }
  }

  private static byte[] digest(String algorithm, byte[] data, Code code, String what) {
    String jdk =
        switch (algorithm) {
          case "sha224" -> "SHA-224";
          case "sha256" -> "SHA-256";
          case "sha384" -> "SHA-384";
          case "sha512" -> "SHA-512";
          default ->
              throw new TrustException(
                  code,
                  what
                      + " is signed with hash algorithm '"
                      + algorithm
                      + "', which this client does not support");
        };
    try {
      return MessageDigest.getInstance(jdk).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jdk + " is missing from this JDK", e);
    }
  }
}
