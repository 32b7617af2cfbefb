package io.vigil.trust.key;

import io.vigil.trust.Ed25519;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Signature checks per TUF scheme; every failure, malformed key included, is a "no". */
final class Verifiers {

  private Verifiers() {}

  static boolean supports(PublicKey key) {
    return switch (key.scheme()) {
      case "ed25519" -> key.keyType().equals("ed25519");
      case "ecdsa-sha2-nistp256" ->
          key.keyType().equals("ecdsa") || key.keyType().equals("ecdsa-sha2-nistp256");
      case "rsassa-pss-sha256", "rsa-pkcs1v15-sha256" -> key.keyType().equals("rsa");
      default -> false;
    };
  }

  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (!supports(key)) {
      return false;
    }
    try {
      return switch (key.scheme()) {
        case "ed25519" ->
            Ed25519.verify(HexFormat.of().parseHex(key.publicValue()), message, signature);
        case "ecdsa-sha2-nistp256" -> ecdsa(key, message, signature);
        case "rsassa-pss-sha256" -> rsaPss(rsaKey(key), message, signature);
        case "rsa-pkcs1v15-sha256" -> rsaPkcs1(rsaKey(key), message, signature);
        default -> false;
      };
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      return false;
    }
  }

  /**
   * The key as the JDK re-encodes it (DER SubjectPublicKeyInfo), however its object writes it;
   * empty for a key that this client cannot read.
   */
  static Optional<byte[]> material(PublicKey key) {
    if (!supports(key)) {
      return Optional.empty();
    }
    try {
      java.security.PublicKey jdk =
          key.scheme().equals("ed25519")
              ? Ed25519.publicKey(HexFormat.of().parseHex(key.publicValue()))
              : pem(key.publicValue());
      return Optional.of(jdk.getEncoded());
    } catch (IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }

  private static boolean ecdsa(PublicKey key, byte[] message, byte[] signature) throws IOException {
    return pem(key.publicValue()) instanceof ECPublicKey ec
        && EcdsaP256.verify(ec, message, signature);
  }

  private static RSAPublicKey rsaKey(PublicKey key) throws GeneralSecurityException, IOException {
    if (!(pem(key.publicValue()) instanceof RSAPublicKey rsa)) {
      throw new IllegalArgumentException("not an RSA key");
    }
    return rsa;
  }

  private static boolean rsaPkcs1(RSAPublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  /**
   * EMSA-PSS-VERIFY (RFC 8017, 9.1.2) with SHA-256 and MGF1-SHA-256, recovering the salt length
   * from the encoding, as securesystemslib verifies ({@code salt_length=PSS.AUTO}): signers use
   * either the digest length or the longest salt, and both must verify.
   */
  private static boolean rsaPss(RSAPublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    BigInteger n = key.getModulus();
    int k = (n.bitLength() + 7) / 8;
    if (signature.length != k) {
      return false;
    }
    BigInteger s = new BigInteger(1, signature);
    if (s.compareTo(n) >= 0) {
      return false;
    }
    int emBits = n.bitLength() - 1;
    int emLen = (emBits + 7) / 8;
    int hLen = 32;
    byte[] em = toBytes(s.modPow(key.getPublicExponent(), n), emLen);
    if (em == null || emLen < hLen + 2 || (em[emLen - 1] & 0xff) != 0xbc) {
      return false;
    }
    int dbLen = emLen - hLen - 1;
    int zeroBits = 8 * emLen - emBits;
    int topMask = 0xff >>> zeroBits;
    if ((em[0] & ~topMask & 0xff) != 0) {
      return false;
    }
    byte[] h = java.util.Arrays.copyOfRange(em, dbLen, dbLen + hLen);
    byte[] db = mgf1(h, dbLen);
    for (int i = 0; i < dbLen; i++) {
      db[i] ^= em[i];
    }
    db[0] &= (byte) topMask;
    int i = 0;
    while (i < dbLen && db[i] == 0) {
      i++;
    }
    if (i == dbLen || db[i] != 1) {
      return false;
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] mHash = sha.digest(message);
    sha.update(new byte[8]);
    sha.update(mHash);
    sha.update(db, i + 1, dbLen - i - 1);
    return MessageDigest.isEqual(sha.digest(), h);
  }

  private static byte[] mgf1(byte[] seed, int length) throws GeneralSecurityException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] out = new byte[length];
    int done = 0;
    for (int counter = 0; done < length; counter++) {
      sha.update(seed);
      sha.update(
          new byte[] {
            (byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter
          });
      byte[] block = sha.digest();
      int take = Math.min(block.length, length - done);
      System.arraycopy(block, 0, out, done, take);
      done += take;
    }
    return out;
  }

  private static byte[] toBytes(BigInteger m, int length) {
    byte[] raw = m.toByteArray();
    int skip = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    int len = raw.length - skip;
    if (len > length) {
      return null;
    }
    byte[] out = new byte[length];
    System.arraycopy(raw, skip, out, length - len, len);
    return out;
  }

  static java.security.PublicKey pem(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof SubjectPublicKeyInfo info)) {
        throw new IllegalArgumentException("not a PEM SubjectPublicKeyInfo");
      }
      return new JcaPEMKeyConverter().getPublicKey(info);
    }
  }
}
