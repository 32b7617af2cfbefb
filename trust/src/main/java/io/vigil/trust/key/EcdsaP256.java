package io.vigil.trust.key;

import io.vigil.canonical.Sha256;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA over P-256 with SHA-256 and DER signatures, securesystemslib's {@code ecdsa-sha2-nistp256}:
 * the DER checked here, the arithmetic Bouncy Castle's.
 *
 * <p>Not the JDK's {@code SHA256withECDSA}: JDK 17 reads an INTEGER whose sign bit is set as a
 * positive number (Wycheproof's ecdsa_secp256r1_sha256 tcId 6, a second encoding of a signature),
 * and refuses valid signatures whose point has an x-coordinate of at least the group order (tcIds
 * 350 and 479), which OpenSSL, under securesystemslib, accepts.
 */
final class EcdsaP256 {

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");

  private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);

  private static final ECPoint G = CURVE.getG().normalize();

  // SEQUENCE { INTEGER r, INTEGER s }, each of at most 33 bytes: every length fits in one byte.
  private static final int MAX_INTEGER_LENGTH = 33;

  private static final int MAX_SIGNATURE_LENGTH = 2 + 2 * (2 + MAX_INTEGER_LENGTH);

  private EcdsaP256() {}

  /** Whether {@code key} is on P-256 and {@code der} a valid signature of {@code message} by it. */
  static boolean verify(ECPublicKey key, byte[] message, byte[] der) {
    Optional<Signature> signature = decode(der);
    if (!isP256(key.getParams()) || signature.isEmpty()) {
      return false;
    }
    ECPoint q = DOMAIN.getCurve().createPoint(key.getW().getAffineX(), key.getW().getAffineY());
    ECDSASigner verifier = new ECDSASigner();
    // Throws IllegalArgumentException for a point that is not on the curve.
    verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
    return verifier.verifySignature(Sha256.of(message), signature.get().r(), signature.get().s());
  }

  private record Signature(BigInteger r, BigInteger s) {}

  /** r and s of a DER signature, each a positive INTEGER in its shortest form; else empty. */
  static Optional<Signature> decode(byte[] der) {
    if (der.length < 8 || der.length > MAX_SIGNATURE_LENGTH) {
      return Optional.empty();
    }
    if (der[0] != 0x30 || der[1] != der.length - 2) {
      return Optional.empty();
    }
    BigInteger[] values = new BigInteger[2];
    int at = 2;
    for (int i = 0; i < values.length; i++) {
      if (at + 2 > der.length || der[at] != 0x02) {
        return Optional.empty();
      }
      int length = der[at + 1];
      at += 2;
      if (length < 1 || length > MAX_INTEGER_LENGTH || at + length > der.length) {
        return Optional.empty();
      }
      boolean negative = der[at] < 0;
      boolean padded = length > 1 && der[at] == 0 && der[at + 1] >= 0;
      if (negative || padded) {
        return Optional.empty();
      }
      values[i] = new BigInteger(1, Arrays.copyOfRange(der, at, at + length));
      at += length;
    }
    return at == der.length ? Optional.of(new Signature(values[0], values[1])) : Optional.empty();
  }

  private static boolean isP256(ECParameterSpec spec) {
    return spec.getCurve().getField() instanceof ECFieldFp field
        && field.getP().equals(CURVE.getCurve().getField().getCharacteristic())
        && spec.getCurve().getA().equals(CURVE.getCurve().getA().toBigInteger())
        && spec.getCurve().getB().equals(CURVE.getCurve().getB().toBigInteger())
        && spec.getGenerator().getAffineX().equals(G.getAffineXCoord().toBigInteger())
        && spec.getGenerator().getAffineY().equals(G.getAffineYCoord().toBigInteger())
        && spec.getOrder().equals(CURVE.getN())
        && spec.getCofactor() == CURVE.getH().intValueExact();
  }
}
