package io.vigil.trust.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Project Wycheproof's test vectors (C2SP/wycheproof, pinned in {@code
 * src/test/resources/wycheproof/README.md}) through {@link PublicKey#verify}, each group's key
 * written as a TUF key object would hold it: every valid vector accepted, every invalid one
 * refused.
 *
 * <p>Where Vigil goes otherwise than a file's label, or a label leaves it open, the test asserts
 * which way, so that it cannot change unnoticed. RSA-PSS recovers the salt length from the
 * encoding, as securesystemslib verifies ({@code PSS.AUTO}), because signers differ
 * (securesystemslib's {@code CryptoSigner} uses the digest's length, Go's {@code PSSSaltLengthAuto}
 * the longest salt): a vector labelled invalid only because its salt length is not the file's
 * ({@code "s_len changed to ..."}) is a well-formed signature of its message and is accepted. A
 * vector labelled {@code acceptable} goes the way {@link #ACCEPTABLE} says.
 */
class WycheproofTest {

  /** What Vigil does with each vector that Wycheproof labels {@code acceptable}, by file and id. */
  private static final Map<String, Map<Integer, Verdict>> ACCEPTABLE =
      Map.of(
          // PKCS#1 v1.5 whose DigestInfo leaves out the NULL parameters of SHA-256: the JDK's
          // SHA256withRSA accepts both forms, as RFC 8017 (appendix B.1) requires of verifiers;
          // either binds the same digest, so it forges nothing.
          "rsa_signature_2048_sha256_test.json", Map.of(8, Verdict.ACCEPTED));

  private static final String OTHER_SALT_LENGTH = "s_len changed to ";

  private static final Function<JsonNode, String> PEM = group -> group.get("publicKeyPem").asText();

  private static final List<Suite> SUITES =
      List.of(
          new Suite(
              "ed25519_test.json",
              "ed25519",
              "ed25519",
              group -> group.get("publicKey").get("pk").asText()),
          new Suite("ecdsa_secp256r1_sha256_test.json", "ecdsa", "ecdsa-sha2-nistp256", PEM),
          new Suite("rsa_pss_2048_sha256_mgf1_32_test.json", "rsa", "rsassa-pss-sha256", PEM),
          new Suite("rsa_pss_3072_sha256_mgf1_32_test.json", "rsa", "rsassa-pss-sha256", PEM),
          new Suite("rsa_pss_4096_sha256_mgf1_32_test.json", "rsa", "rsassa-pss-sha256", PEM),
          new Suite("rsa_pss_2048_sha256_mgf1_0_test.json", "rsa", "rsassa-pss-sha256", PEM),
          new Suite("rsa_signature_2048_sha256_test.json", "rsa", "rsa-pkcs1v15-sha256", PEM));

  enum Verdict {
    ACCEPTED,
    REFUSED
  }

  /** One vector file and the TUF key type, scheme and public value its groups' keys become. */
  private record Suite(
      String file, String keyType, String scheme, Function<JsonNode, String> publicValue) {

    List<Vector> vectors() {
      JsonNode root = Json.parse(read("/wycheproof/" + file));
      List<Vector> vectors = new ArrayList<>();
      for (JsonNode group : root.get("testGroups")) {
        PublicKey key = new PublicKey(keyType, scheme, publicValue.apply(group));
        for (JsonNode test : group.get("tests")) {
          vectors.add(new Vector(this, key, test));
        }
      }
      assertEquals(root.get("numberOfTests").asInt(), vectors.size(), file + ": numberOfTests");
      return vectors;
    }
  }

  /** One test case with the key of its group. */
  private record Vector(Suite suite, PublicKey key, JsonNode test) {

    int id() {
      return test.get("tcId").asInt();
    }

    String result() {
      return test.get("result").asText();
    }

    String name() {
      return "tcId "
          + id()
          + " "
          + result()
          + ": "
          + test.get("comment").asText()
          + " "
          + test.get("flags");
    }

    boolean otherSaltLength() {
      return suite.scheme().equals("rsassa-pss-sha256")
          && test.get("comment").asText().startsWith(OTHER_SALT_LENGTH);
    }

    Verdict expected() {
      return switch (result()) {
        case "valid" -> Verdict.ACCEPTED;
        case "invalid" -> otherSaltLength() ? Verdict.ACCEPTED : Verdict.REFUSED;
        case "acceptable" -> {
          Verdict decided = ACCEPTABLE.getOrDefault(suite.file(), Map.of()).get(id());
          assertNotNull(decided, suite.file() + " tcId " + id() + ": acceptable, undecided");
          yield decided;
        }
        default -> throw new AssertionError("unknown result " + result());
      };
    }

    /** Vigil's answer; a refusal is {@code false} or a {@link TrustException}, nothing else. */
    Verdict actual() {
      byte[] message = HexFormat.of().parseHex(test.get("msg").asText());
      byte[] signature = HexFormat.of().parseHex(test.get("sig").asText());
      try {
        return key.verify(message, signature) ? Verdict.ACCEPTED : Verdict.REFUSED;
      } catch (TrustException e) {
        return Verdict.REFUSED;
      }
    }
  }

  @TestFactory
  Stream<DynamicNode> verifiesEveryVectorAsItsLabelSays() {
    return SUITES.stream().map(WycheproofTest::suite);
  }

  private static DynamicContainer suite(Suite suite) {
    List<Vector> vectors = suite.vectors();
    Stream<DynamicNode> each =
        vectors.stream()
            .map(
                v ->
                    DynamicTest.dynamicTest(
                        v.name(), () -> assertEquals(v.expected(), v.actual(), v.name())));
    DynamicTest counts =
        DynamicTest.dynamicTest(suite.file() + ": counts", () -> assertCounts(suite, vectors));
    return DynamicContainer.dynamicContainer(suite.file(), Stream.concat(each, Stream.of(counts)));
  }

  /** Prints and checks the tally of one file: N of N valid accepted, M of M invalid refused. */
  private static void assertCounts(Suite suite, List<Vector> vectors) {
    Tally valid = new Tally();
    Tally invalid = new Tally();
    Tally otherSalt = new Tally();
    Tally acceptable = new Tally();
    for (Vector v : vectors) {
      boolean accepted = v.actual() == Verdict.ACCEPTED;
      switch (v.result()) {
        case "valid" -> valid.add(accepted);
        case "invalid" -> (v.otherSaltLength() ? otherSalt : invalid).add(!accepted);
        default -> acceptable.add(accepted);
      }
    }
    String line =
        String.format(
            "%s (%s): %d of %d valid accepted, %d of %d invalid refused",
            suite.file(), suite.scheme(), valid.agreed, valid.total, invalid.agreed, invalid.total);
    if (otherSalt.total > 0) {
      line +=
          String.format(
              ", %d of %d invalid only by salt length accepted (PSS.AUTO)",
              otherSalt.total - otherSalt.agreed, otherSalt.total);
    }
    if (acceptable.total > 0) {
      line += String.format(", %d of %d acceptable accepted", acceptable.agreed, acceptable.total);
    }
    System.out.println("Wycheproof " + line);
    assertEquals(valid.total, valid.agreed, line);
    assertEquals(invalid.total, invalid.agreed, line);
    assertEquals(0, otherSalt.agreed, line);
  }

  private static final class Tally {
    int total;
    int agreed;

    void add(boolean agrees) {
      total++;
      if (agrees) {
        agreed++;
      }
    }
  }

  private static byte[] read(String resource) {
    try (InputStream in = WycheproofTest.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
