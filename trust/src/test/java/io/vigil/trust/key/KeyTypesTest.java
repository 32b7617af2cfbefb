package io.vigil.trust.key;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key types and schemes that TUF repositories made with python-tuf, go-tuf or sigstore use:
 * signatures made with the JDK as securesystemslib makes them verify, and a flipped bit does not.
 */
class KeyTypesTest {

  /** RFC 8032, section 7.1, test 1. */
  private static final String RFC8032_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  private static final String RFC8032_PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

  private static final String RFC8032_SIGNATURE_OF_EMPTY =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  private static KeyPair rsa;

  /** What TUF signs: the canonical bytes of a {@code signed} object. */
  private final byte[] message =
      CanonicalJson.bytes(Json.parse("{\"_type\":\"timestamp\",\"version\":7}".getBytes(UTF_8)));

  @BeforeAll
  static void generateRsa() {
    rsa = ForeignKeys.generate("RSA", 2048);
  }

  @Test
  void derivesTheRfc8032KeyAndSignatureFromTheSeed() {
    SigningKey key = SigningKey.fromSeed(HexFormat.of().parseHex(RFC8032_SEED));

    byte[] signature = key.sign(new byte[0]);

    assertEquals(RFC8032_PUBLIC, key.publicKey().publicValue());
    assertEquals(RFC8032_SIGNATURE_OF_EMPTY, HexFormat.of().formatHex(signature));
    assertTrue(key.publicKey().verify(new byte[0], signature));
  }

  @Test
  void signsTheSameBytesAsTheJdkProvider() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(19);
    for (int i = 0; i < 50; i++) {
      SigningKey key = SigningKey.generate();
      byte[] message = new byte[random.nextInt(0, 2000)];
      random.nextBytes(message);
      java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
      jdk.initSign(
          java.security.KeyFactory.getInstance("Ed25519")
              .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.pkcs8())));
      jdk.update(message);

      assertEquals(
          HexFormat.of().formatHex(jdk.sign()), HexFormat.of().formatHex(key.sign(message)));
    }
  }

  @Test
  void computesAnEd25519KeyIdAsTheSpecificationDoes() throws Exception {
    SigningKey key = SigningKey.fromSeed(HexFormat.of().parseHex(RFC8032_SEED));
    String canonicalByHand =
        "{\"keytype\":\"ed25519\",\"keyval\":{\"public\":\""
            + RFC8032_PUBLIC
            + "\"},\"scheme\":\"ed25519\"}";
    String byHand =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonicalByHand.getBytes(UTF_8)));

    String keyId = key.keyId();

    assertEquals(byHand, keyId);
    assertEquals("74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916", keyId);
  }

  @Test
  void computesAPemKeyIdOverTheKeyWithItsLineBreaksUnescaped() throws Exception {
    PublicKey key = ForeignKeys.ecdsa("ecdsa").tufKey();
    String canonicalByHand =
        "{\"keytype\":\"ecdsa\",\"keyval\":{\"public\":\""
            + key.publicValue()
            + "\"},\"scheme\":\"ecdsa-sha2-nistp256\"}";

    String keyId = key.keyId();

    assertTrue(key.publicValue().contains("\n"));
    assertEquals(
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonicalByHand.getBytes(UTF_8))),
        keyId);
  }

  @Test
  void verifiesEd25519AndRejectsAFlippedBit() {
    SigningKey key = SigningKey.generate();

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.publicKey(), signature);
  }

  @Test
  void verifiesEcdsaP256DerSignaturesAndRejectsAFlippedBit() {
    ForeignKeys.Pair key = ForeignKeys.ecdsa("ecdsa");

    byte[] signature = key.sign(message);

    assertTrue(key.tufKey().isSupported());
    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void acceptsTheOlderEcdsaKeyTypeName() {
    ForeignKeys.Pair key = ForeignKeys.ecdsa("ecdsa-sha2-nistp256");

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void rejectsAnEcdsaSignatureThatIsNotDer() {
    KeyPair keys = ForeignKeys.generate("EC", "secp256r1");
    ForeignKeys.Pair p1363 =
        new ForeignKeys.Pair(
            ForeignKeys.ecdsa("ecdsa", keys).tufKey(),
            keys.getPrivate(),
            "SHA256withECDSAinP1363Format",
            java.util.Optional.empty());

    byte[] signature = p1363.sign(message);

    assertEquals(64, signature.length);
    assertFalse(p1363.tufKey().verify(message, signature));
  }

  @Test
  void rejectsAKeyOnAnotherCurveThanNistP256() {
    ForeignKeys.Pair p384 = ForeignKeys.ecdsa("ecdsa", ForeignKeys.generate("EC", "secp384r1"));

    byte[] signature = p384.sign(message);

    assertFalse(p384.tufKey().verify(message, signature));
  }

  @Test
  void verifiesRsaPssWithASaltAsLongAsTheDigest() {
    ForeignKeys.Pair key = ForeignKeys.rsaPss(rsa, 32);

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void verifiesRsaPssWithTheLongestSalt() {
    ForeignKeys.Pair key = ForeignKeys.rsaPss(rsa, ForeignKeys.maxPssSaltLength(2048));

    byte[] signature = key.sign(message);

    assertEquals(222, ForeignKeys.maxPssSaltLength(2048));
    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void verifiesRsaPssWithoutSalt() {
    ForeignKeys.Pair key = ForeignKeys.rsaPss(rsa, 0);

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void verifiesRsaPssOfAnOddSizedModulus() {
    ForeignKeys.Pair key = ForeignKeys.rsaPss(ForeignKeys.generate("RSA", 2049), 32);

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void verifiesRsaPkcs1v15AndRejectsAFlippedBit() {
    ForeignKeys.Pair key = ForeignKeys.rsaPkcs1(rsa);

    byte[] signature = key.sign(message);

    assertVerifiesOnlyIntact(key.tufKey(), signature);
  }

  @Test
  void rejectsASignatureOfOneRsaSchemeCheckedAsTheOther() {
    byte[] pss = ForeignKeys.rsaPss(rsa, 32).sign(message);
    byte[] pkcs1 = ForeignKeys.rsaPkcs1(rsa).sign(message);

    boolean pssAsPkcs1 = ForeignKeys.rsaPkcs1(rsa).tufKey().verify(message, pss);
    boolean pkcs1AsPss = ForeignKeys.rsaPss(rsa, 32).tufKey().verify(message, pkcs1);

    assertFalse(pssAsPkcs1);
    assertFalse(pkcs1AsPss);
  }

  @Test
  void supportsNoOtherScheme() {
    PublicKey pss512 = new PublicKey("rsa", "rsassa-pss-sha512", ForeignKeys.pem(rsa.getPublic()));
    PublicKey mixed = new PublicKey("ed25519", "ecdsa-sha2-nistp256", "00".repeat(32));
    byte[] signature = ForeignKeys.rsaPss(rsa, 32).sign(message);

    assertFalse(pss512.isSupported());
    assertFalse(pss512.verify(message, signature));
    assertFalse(mixed.isSupported());
    assertTrue(pss512.material().isEmpty());
  }

  @Test
  void aMalformedKeyVerifiesNothing() {
    SigningKey real = SigningKey.generate();
    byte[] signature = real.sign(message);
    PublicKey notHex = new PublicKey("ed25519", "ed25519", "not hex");
    PublicKey shortKey = new PublicKey("ed25519", "ed25519", "abcd");
    PublicKey notPem = new PublicKey("rsa", "rsa-pkcs1v15-sha256", "-----BEGIN PUBLIC KEY-----");
    PublicKey ecAsRsa =
        new PublicKey(
            "rsa", "rsa-pkcs1v15-sha256", ForeignKeys.ecdsa("ecdsa").tufKey().publicValue());

    assertFalse(notHex.verify(message, signature));
    assertFalse(shortKey.verify(message, signature));
    assertFalse(notPem.verify(message, signature));
    assertFalse(ecAsRsa.verify(message, ForeignKeys.rsaPkcs1(rsa).sign(message)));
  }

  @Test
  void oneKeyWrittenTwoWaysHasOneMaterial() {
    PublicKey ed = SigningKey.generate().publicKey();
    PublicKey edUpper =
        new PublicKey("ed25519", "ed25519", ed.publicValue().toUpperCase(Locale.ROOT));
    KeyPair ec = ForeignKeys.generate("EC", "secp256r1");
    PublicKey ecdsa = ForeignKeys.ecdsa("ecdsa", ec).tufKey();
    PublicKey ecdsaOtherName = ForeignKeys.ecdsa("ecdsa-sha2-nistp256", ec).tufKey();
    PublicKey pss = ForeignKeys.rsaPss(rsa, 32).tufKey();
    PublicKey pkcs1 = ForeignKeys.rsaPkcs1(rsa).tufKey();

    assertNotEquals(ed.keyId(), edUpper.keyId());
    assertEquals(ed.material(), edUpper.material());
    assertEquals(ecdsa.material(), ecdsaOtherName.material());
    assertEquals(pss.material(), pkcs1.material());
    assertNotEquals(ed.material(), SigningKey.generate().publicKey().material());
  }

  @Test
  void readsAKeyObjectAndWritesItBack() {
    PublicKey key = ForeignKeys.ecdsa("ecdsa").tufKey();

    PublicKey read = PublicKey.fromJson(key.toJson());

    assertEquals(key, read);
    assertEquals(key.keyId(), read.keyId());
  }

  private void assertVerifiesOnlyIntact(PublicKey key, byte[] signature) {
    assertTrue(key.verify(message, signature), "the intact signature must verify");
    for (int bit : new int[] {0, signature.length * 4, signature.length * 8 - 1}) {
      byte[] flipped = signature.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(key.verify(message, flipped), "a signature with bit " + bit + " flipped");
    }
    byte[] otherMessage = message.clone();
    otherMessage[otherMessage.length - 2] ^= 1;
    assertFalse(key.verify(otherMessage, signature), "another message");
  }
}
