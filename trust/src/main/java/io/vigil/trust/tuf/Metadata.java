package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One TUF metadata file: the typed {@code signed} part, the canonical bytes its signatures cover
 * (taken from the file as it is, unrecognised fields included) and the signatures by key id.
 */
public final class Metadata<T extends Signed> {

  private final T signed;
  private final byte[] canonical;
  private final Map<String, String> signatures;
  private final byte[] raw;

  private Metadata(T signed, byte[] canonical, Map<String, String> signatures, byte[] raw) {
    this.signed = signed;
    this.canonical = canonical;
    this.signatures = signatures;
    this.raw = raw;
  }

  /** Reads root metadata. */
  public static Metadata<Root> root(byte[] raw) {
    return parse(raw, "root", Root::fromJson);
  }

  /** Reads timestamp metadata. */
  public static Metadata<Timestamp> timestamp(byte[] raw) {
    return parse(raw, "timestamp", Timestamp::fromJson);
  }

  /** Reads snapshot metadata. */
  public static Metadata<Snapshot> snapshot(byte[] raw) {
    return parse(raw, "snapshot", Snapshot::fromJson);
  }

  /** Reads targets metadata, top-level or delegated. */
  public static Metadata<Targets> targets(byte[] raw) {
    return parse(raw, "targets", Targets::fromJson);
  }

  private static <T extends Signed> Metadata<T> parse(
      byte[] raw, String type, Function<JsonNode, T> reader) {
    JsonNode doc;
    try {
      doc = Json.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new TrustException(
          Code.MALFORMED, type + " metadata is not valid JSON: " + e.getMessage());
    }
    if (!doc.isObject()) {
      throw Fields.malformed(type + " metadata must be a JSON object");
    }
    JsonNode signedNode = Fields.object(doc, "signed", type);
    JsonNode list = doc.get("signatures");
    if (list == null || !list.isArray()) {
      throw Fields.malformed(type + ".signatures must be a list");
    }
    Map<String, String> signatures = new LinkedHashMap<>();
    for (JsonNode s : list) {
      if (!s.isObject()) {
        throw Fields.malformed(type + ".signatures must hold objects");
      }
      String keyId = Fields.string(s, "keyid", type + ".signatures[]");
      String sig = Fields.string(s, "sig", type + ".signatures[]");
      if (signatures.put(keyId, sig) != null) {
        throw Fields.malformed(type + " carries two signatures by key " + keyId);
      }
    }
    T signed;
    try {
      signed = reader.apply(signedNode);
    } catch (IllegalArgumentException e) {
      throw Fields.malformed(type + ": " + e.getMessage());
    }
    byte[] canonical;
    try {
      canonical = CanonicalJson.bytes(signedNode);
    } catch (IllegalArgumentException e) {
      throw Fields.malformed(type + ": " + e.getMessage());
    }
    return new Metadata<>(signed, canonical, signatures, raw.clone());
  }

  /** Signs {@code signed} with {@code keys}: the file a repository publishes. */
  public static <T extends Signed> Metadata<T> sign(T signed, List<SigningKey> keys) {
    ObjectNode node = signed.toJson();
    byte[] canonical = CanonicalJson.bytes(node);
    Map<String, String> signatures = new LinkedHashMap<>();
    for (SigningKey key : keys) {
      signatures.put(key.keyId(), HexFormat.of().formatHex(key.sign(canonical)));
    }
    ObjectNode doc = Json.object();
    ArrayNode sigs = doc.putArray("signatures");
    signatures.forEach((id, sig) -> sigs.addObject().put("keyid", id).put("sig", sig));
    doc.set("signed", node);
    return new Metadata<>(signed, canonical, signatures, Json.pretty(doc));
  }

  /** The verified or to-be-verified content. */
  public T signed() {
    return signed;
  }

  /** The file's bytes, as read or written. */
  public byte[] bytes() {
    return raw.clone();
  }

  /**
   * Checks that at least {@code role.threshold()} distinct keys of {@code role}, looked up in
   * {@code keys}, signed this metadata. A key counts once, however many ids list it and however
   * each writes it; a key missing from {@code keys} and a signature that does not verify count for
   * nothing.
   *
   * @throws TrustException {@link Code#UNSIGNED} naming the role and the count
   */
  public void verify(String roleName, Role role, Map<String, PublicKey> keys) {
    verify(roleName, role, keys, Code.UNSIGNED, "");
  }

  void verify(String roleName, Role role, Map<String, PublicKey> keys, Code code, String context) {
    int valid = validSignatures(role, keys);
    if (valid < role.threshold()) {
      throw new TrustException(
          code,
          context
              + roleName
              + " metadata version "
              + signed.version()
              + " has "
              + valid
              + " valid signature(s) by distinct trusted keys; its threshold is "
              + role.threshold());
    }
  }

  private int validSignatures(Role role, Map<String, PublicKey> keys) {
    Set<String> counted = new HashSet<>();
    // By key material, not by key object: one key written two ways (hex case, PEM layout, key
    // type alias) under two key ids is still one key.
    Set<String> distinct = new HashSet<>();
    List<String> ids = new ArrayList<>(role.keyIds());
    for (String id : ids) {
      PublicKey key = keys.get(id);
      String sig = signatures.get(id);
      if (key == null || sig == null || !counted.add(id)) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = HexFormat.of().parseHex(sig);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (key.verify(canonical, bytes)) {
        key.material().ifPresent(distinct::add);
      }
    }
    return distinct.size();
  }
}
