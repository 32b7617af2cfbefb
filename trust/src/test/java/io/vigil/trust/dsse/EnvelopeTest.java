package io.vigil.trust.dsse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** DSSE v1 envelopes: the pre-authentication encoding, thresholds, and keys counted once. */
class EnvelopeTest {

  private static final String TYPE = "application/vnd.vigil.summary+json";
  private static final byte[] PAYLOAD = "{\"requests\":42}".getBytes(UTF_8);

  private final SigningKey alice = SigningKey.generate();
  private final SigningKey bob = SigningKey.generate();
  private final Map<String, PublicKey> both =
      Map.of(alice.keyId(), alice.publicKey(), bob.keyId(), bob.publicKey());

  @Test
  void encodesAsTheSpecificationsExample() {
    byte[] pae = Envelope.pae("http://example.com/HelloWorld", "hello world".getBytes(UTF_8));

    assertEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world", new String(pae, UTF_8));
  }

  @Test
  void countsLengthsInBytesNotCharacters() {
    byte[] pae = Envelope.pae("tÿpe", "é".getBytes(UTF_8));

    assertEquals("DSSEv1 5 tÿpe 2 é", new String(pae, UTF_8));
  }

  @Test
  void returnsThePayloadOnceItIsParsedAndVerified() {
    byte[] json = Envelope.sign(TYPE, PAYLOAD, List.of(alice)).toJson();

    byte[] payload = Envelope.parse(json).verify(TYPE, both, 1);

    assertArrayEquals(PAYLOAD, payload);
  }

  @Test
  void talliesValidSignaturesThoseByTrustedKeysAndThoseThatDoNotVerify() {
    SigningKey stranger = SigningKey.generate();
    ObjectNode doc =
        (ObjectNode) Json.parse(Envelope.sign(TYPE, PAYLOAD, List.of(alice, stranger)).toJson());
    Envelope signed = Envelope.parse(Json.pretty(doc));
    doc.put("payload", Base64.getEncoder().encodeToString("{\"requests\":0}".getBytes(UTF_8)));
    Envelope changed = Envelope.parse(Json.pretty(doc));

    assertEquals(new Envelope.Tally(1, 1, 0), signed.tally(both));
    assertEquals(new Envelope.Tally(0, 1, 1), changed.tally(both));
  }

  @Test
  void acceptsTwoDistinctKeysForThreshold2() {
    Envelope envelope = Envelope.sign(TYPE, PAYLOAD, List.of(alice, bob));

    byte[] payload = Envelope.parse(envelope.toJson()).verify(TYPE, both, 2);

    assertArrayEquals(PAYLOAD, payload);
  }

  @Test
  void refusesOneKeyThatSignedTwiceForThreshold2() {
    Envelope twice = Envelope.parse(Envelope.sign(TYPE, PAYLOAD, List.of(alice, alice)).toJson());

    assertRefused(
        Code.UNSIGNED,
        () -> twice.verify(TYPE, both, 2),
        "1 valid signature(s) by distinct trusted keys; the threshold is 2");
    assertEquals(2, twice.signatures().size());
  }

  @Test
  void refusesOneKeyListedUnderTwoIdsForThreshold2() {
    PublicKey upperCase =
        new PublicKey(
            "ed25519", "ed25519", alice.publicKey().publicValue().toUpperCase(Locale.ROOT));
    Map<String, PublicKey> trusted =
        Map.of(
            alice.keyId(),
            alice.publicKey(),
            "alias",
            alice.publicKey(),
            upperCase.keyId(),
            upperCase);
    Envelope signed = Envelope.sign(TYPE, PAYLOAD, List.of(alice));
    ObjectNode doc = (ObjectNode) Json.parse(signed.toJson());
    ArrayNode sigs = (ArrayNode) doc.get("signatures");
    String sig = sigs.get(0).get("sig").textValue();
    sigs.addObject().put("keyid", "alias").put("sig", sig);
    sigs.addObject().put("keyid", upperCase.keyId()).put("sig", sig);
    Envelope underThreeIds = Envelope.parse(Json.pretty(doc));

    assertRefused(
        Code.UNSIGNED, () -> underThreeIds.verify(TYPE, trusted, 2), "1 valid signature(s)");
  }

  @Test
  void refusesAnUntrustedKey() {
    Envelope envelope = Envelope.sign(TYPE, PAYLOAD, List.of(SigningKey.generate()));

    assertRefused(Code.UNSIGNED, () -> envelope.verify(TYPE, both, 1), "0 valid signature(s)");
  }

  @Test
  void refusesAnotherPayloadTypeThanExpected() {
    Envelope envelope = Envelope.sign(TYPE, PAYLOAD, List.of(alice));

    assertRefused(
        Code.MALFORMED,
        () -> envelope.verify("application/vnd.vigil.command+json", both, 1),
        "payload type is '" + TYPE + "', expected 'application/vnd.vigil.command+json'");
  }

  @Test
  void refusesASignatureReplayedUnderAnotherPayloadType() {
    ObjectNode doc = (ObjectNode) Json.parse(Envelope.sign(TYPE, PAYLOAD, List.of(alice)).toJson());
    doc.put("payloadType", "application/vnd.vigil.command+json");
    Envelope relabelled = Envelope.parse(Json.pretty(doc));

    assertRefused(
        Code.UNSIGNED,
        () -> relabelled.verify("application/vnd.vigil.command+json", both, 1),
        "0 valid signature(s)");
  }

  @Test
  void refusesAPayloadChangedAfterSigning() {
    ObjectNode doc = (ObjectNode) Json.parse(Envelope.sign(TYPE, PAYLOAD, List.of(alice)).toJson());
    doc.put("payload", Base64.getEncoder().encodeToString("{\"requests\":0}".getBytes(UTF_8)));
    Envelope changed = Envelope.parse(Json.pretty(doc));

    assertRefused(Code.UNSIGNED, () -> changed.verify(TYPE, both, 1), "0 valid signature(s)");
  }

  @Test
  void readsAPayloadInTheUrlSafeBase64Alphabet() {
    byte[] payload = {(byte) 0xfb, (byte) 0xff, (byte) 0xfe};
    ObjectNode doc = (ObjectNode) Json.parse(Envelope.sign(TYPE, payload, List.of(alice)).toJson());
    doc.put("payload", Base64.getUrlEncoder().encodeToString(payload));

    byte[] read = Envelope.parse(Json.pretty(doc)).verify(TYPE, both, 1);

    assertArrayEquals(payload, read);
  }

  @Test
  void refusesEnvelopesThatAreNotWhatDsseSays() {
    assertRefused(Code.MALFORMED, () -> Envelope.parse("[".getBytes(UTF_8)), "not valid JSON");
    assertRefused(
        Code.MALFORMED,
        () -> Envelope.parse("{\"payloadType\":\"t\",\"payload\":\"\"}".getBytes(UTF_8)),
        "signatures must be a non-empty list");
    assertRefused(
        Code.MALFORMED,
        () ->
            Envelope.parse(
                "{\"payloadType\":\"t\",\"payload\":\"%%%\",\"signatures\":[]}".getBytes(UTF_8)),
        "payload is not base64");
    assertRefused(
        Code.MALFORMED,
        () ->
            Envelope.parse(
                "{\"payloadType\":1,\"payload\":\"\",\"signatures\":[]}".getBytes(UTF_8)),
        "payloadType must be a string");
  }

  @Test
  void refusesAThresholdBelowOne() {
    Envelope envelope = Envelope.sign(TYPE, PAYLOAD, List.of(alice));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> envelope.verify(TYPE, both, 0));

    assertEquals("threshold < 1", e.getMessage());
  }

  private static void assertRefused(Code code, Executable action, String words) {
    TrustException e = assertThrows(TrustException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }
}
