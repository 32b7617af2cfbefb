package io.vigil.sync.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The receiving side: checks a {@link SignedMessage} against the public key registered for the
 * gateway it names, and hands out (gateway, seq) for de-duplication. Immutable and thread-safe.
 */
public final class Verifier {

  /**
   * A verified message.
   *
   * @param gateway the gateway whose registered key signed it
   * @param seq its outbox sequence number: (gateway, seq) is unique, a repeat is a resend
   * @param sentAt when the gateway sent it (a resend has a later one)
   * @param kind what it carries
   * @param body the body's canonical JSON, as signed
   */
  public record Received(String gateway, long seq, Instant sentAt, Kind kind, byte[] body) {
    public Received {
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private final Map<String, PublicKey> keys;
  private final Map<String, String> gatewayByKeyId = new HashMap<>();

  private Verifier(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
    this.keys.forEach((gateway, key) -> gatewayByKeyId.put(key.keyId(), gateway));
    if (gatewayByKeyId.size() != this.keys.size()) {
      throw new IllegalArgumentException("two gateways are registered with one key");
    }
  }

  /** A verifier for the gateways in {@code keys}, by name (the identity key's name). */
  public static Verifier create(Map<String, PublicKey> keys) {
    return new Verifier(keys);
  }

  /**
   * The verified message in {@code envelopeJson}.
   *
   * @throws TrustException {@link Code#MALFORMED} for an unknown payload type or a payload that is
   *     not a message; {@link Code#UNSIGNED} when no registered key signed it, or the key that did
   *     is registered for another gateway than the payload names
   */
  public Received verify(byte[] envelopeJson) {
    Envelope envelope = Envelope.parse(envelopeJson);
    Kind kind = kindOf(envelope.payloadType());
    for (Envelope.Signature s : envelope.signatures()) {
      String gateway = gatewayByKeyId.get(s.keyId());
      if (gateway == null) {
        continue;
      }
      byte[] payload;
      try {
        payload = envelope.verify(envelope.payloadType(), Map.of(s.keyId(), keys.get(gateway)), 1);
      } catch (TrustException e) {
        continue;
      }
      return read(payload, gateway, kind);
    }
    throw new TrustException(
        Code.UNSIGNED,
        "message of type "
            + envelope.payloadType()
            + " has no valid signature"
            + " by a registered gateway's key");
  }

  private static Received read(byte[] payload, String gateway, Kind kind) {
    JsonNode n;
    try {
      n = Json.parse(payload);
    } catch (IllegalArgumentException e) {
      throw malformed("payload is not JSON: " + e.getMessage());
    }
    JsonNode named = n.get("gateway");
    JsonNode seq = n.get("seq");
    JsonNode sentAt = n.get("sent_at");
    JsonNode body = n.get("body");
    if (named == null
        || !named.isTextual()
        || seq == null
        || !seq.canConvertToLong()
        || !seq.isIntegralNumber()
        || seq.longValue() < 1
        || sentAt == null
        || !sentAt.isTextual()
        || body == null
        || !body.isObject()
        || n.size() != 4) {
      throw malformed("payload must be {body, gateway, sent_at, seq} with seq >= 1");
    }
    if (!named.textValue().equals(gateway)) {
      throw new TrustException(
          Code.UNSIGNED,
          "message names gateway '"
              + named.textValue()
              + "' but is signed by the key of '"
              + gateway
              + "'");
    }
    Instant at;
    try {
      at = Instant.parse(sentAt.textValue());
    } catch (DateTimeParseException e) {
      throw malformed("sent_at is not an instant");
    }
    byte[] canonicalBody;
    try {
      canonicalBody = CanonicalJson.bytes(body);
    } catch (IllegalArgumentException e) {
      // A gateway signs its body as canonical JSON, which has no floating-point numbers.
      throw malformed("body is not canonical JSON: " + e.getMessage());
    }
    return new Received(gateway, seq.longValue(), at, kind, canonicalBody);
  }

  private static Kind kindOf(String payloadType) {
    for (Kind k : Kind.values()) {
      if (SignedMessage.payloadType(k).equals(payloadType)) {
        return k;
      }
    }
    throw malformed("payload type '" + payloadType + "' is not a Vigil gateway message");
  }

  private static TrustException malformed(String message) {
    return new TrustException(Code.MALFORMED, "gateway message: " + message);
  }

  /** The registered key of {@code gateway}, if any. */
  public Optional<PublicKey> key(String gateway) {
    return Optional.ofNullable(keys.get(gateway));
  }
}
