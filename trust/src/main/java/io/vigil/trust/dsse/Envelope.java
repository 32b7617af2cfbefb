package io.vigil.trust.dsse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DSSE envelope (Dead Simple Signing Envelope, v1): a payload, its type, and signatures over the
 * pre-authentication encoding of both, so that a signature for one payload type can never be
 * replayed as another. What Vigil signs besides TUF metadata (summaries, commands) travels in one.
 */
public final class Envelope {

  /** A signature and the id of the key that made it. */
  public record Signature(String keyId, byte[] sig) {
    public Signature {
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }
  }

  private final String payloadType;
  private final byte[] payload;
  private final List<Signature> signatures;

  private Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
    this.payloadType = payloadType;
    this.payload = payload.clone();
    this.signatures = List.copyOf(signatures);
  }

  /** Signs {@code payload} of {@code payloadType} with each of {@code keys}. */
  public static Envelope sign(String payloadType, byte[] payload, List<SigningKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one signing key");
    }
    byte[] pae = pae(payloadType, payload);
    List<Signature> sigs = new ArrayList<>();
    for (SigningKey key : keys) {
      sigs.add(new Signature(key.keyId(), key.sign(pae)));
    }
    return new Envelope(payloadType, payload, sigs);
  }

  /** Reads an envelope's JSON; throws {@link Code#MALFORMED} naming what is wrong. */
  public static Envelope parse(byte[] json) {
    JsonNode doc;
    try {
      doc = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw malformed("not valid JSON: " + e.getMessage());
    }
    if (!doc.isObject()) {
      throw malformed("not a JSON object");
    }
    String type = text(doc, "payloadType");
    byte[] payload = base64(text(doc, "payload"), "payload");
    JsonNode list = doc.get("signatures");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw malformed("signatures must be a non-empty list");
    }
    List<Signature> sigs = new ArrayList<>();
    for (JsonNode s : list) {
      if (!s.isObject()) {
        throw malformed("each signature must be an object");
      }
      JsonNode keyId = s.get("keyid");
      String id = keyId == null ? "" : keyId.isTextual() ? keyId.textValue() : null;
      if (id == null) {
        throw malformed("a signature's keyid must be a string");
      }
      sigs.add(new Signature(id, base64(text(s, "sig"), "sig")));
    }
    return new Envelope(type, payload, sigs);
  }

  /** The envelope as JSON. */
  public byte[] toJson() {
    ObjectNode doc = Json.object();
    doc.put("payloadType", payloadType);
    doc.put("payload", Base64.getEncoder().encodeToString(payload));
    ArrayNode list = doc.putArray("signatures");
    for (Signature s : signatures) {
      list.addObject()
          .put("keyid", s.keyId())
          .put("sig", Base64.getEncoder().encodeToString(s.sig));
    }
    return Json.pretty(doc);
  }

  /**
   * The payload, once at least {@code threshold} distinct keys of {@code trusted} have signed it as
   * a payload of {@code expectedType}; a key counts once however often, and under however many key
   * ids, it signed.
   *
   * @throws TrustException {@link Code#MALFORMED} for another payload type, {@link Code#UNSIGNED}
   *     below the threshold
   */
  public byte[] verify(String expectedType, Map<String, PublicKey> trusted, int threshold) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold < 1");
    }
    if (!payloadType.equals(expectedType)) {
      throw malformed("payload type is '" + payloadType + "', expected '" + expectedType + "'");
    }
    Tally tally = tally(trusted);
    if (tally.valid() < threshold) {
      throw new TrustException(
          Code.UNSIGNED,
          "envelope of type "
              + payloadType
              + " has "
              + tally.valid()
              + " valid signature(s) by distinct trusted keys; the threshold is "
              + threshold);
    }
    return payload.clone();
  }

  /**
   * How the signatures fare against {@code trusted}: {@code valid} distinct keys (by key material)
   * whose signature verifies, {@code byTrusted} signatures that name a trusted key id, {@code
   * invalid} of those that do not verify (a changed payload or type, or a forged signature).
   */
  public record Tally(int valid, int byTrusted, int invalid) {}

  /** Counts the signatures by {@code trusted} keys, whatever the payload type. */
  public Tally tally(Map<String, PublicKey> trusted) {
    byte[] pae = pae(payloadType, payload);
    // Counted by key material: one key under two ids, however each writes it, is one key.
    Set<String> valid = new HashSet<>();
    int byTrusted = 0;
    int invalid = 0;
    for (Signature s : signatures) {
      PublicKey key = trusted.get(s.keyId());
      if (key == null) {
        continue;
      }
      byTrusted++;
      if (key.verify(pae, s.sig)) {
        key.material().ifPresent(valid::add);
      } else {
        invalid++;
      }
    }
    return new Tally(valid.size(), byTrusted, invalid);
  }

  /** The declared payload type. */
  public String payloadType() {
    return payloadType;
  }

  /** The signatures, as carried. */
  public List<Signature> signatures() {
    return signatures;
  }

  /**
   * DSSE's pre-authentication encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}.
   */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw malformed(field + " must be a string");
    }
    return v.textValue();
  }

  private static byte[] base64(String text, String field) {
    // DSSE allows either base64 alphabet on the way in; Vigil writes the standard one.
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e2) {
        throw malformed(field + " is not base64");
      }
    }
  }

  private static TrustException malformed(String message) {
    return new TrustException(Code.MALFORMED, "DSSE envelope: " + message);
  }
}
