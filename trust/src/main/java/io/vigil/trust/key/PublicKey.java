package io.vigil.trust.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Sha256;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A public key as TUF and securesystemslib write it: {@code keytype}, {@code scheme} and {@code
 * keyval.public} (hex for ed25519, PEM SubjectPublicKeyInfo for ECDSA and RSA).
 *
 * <p>Vigil signs with {@code ed25519}; it verifies {@code ed25519}, {@code ecdsa-sha2-nistp256},
 * {@code rsassa-pss-sha256} and {@code rsa-pkcs1v15-sha256}, so that repositories made with
 * python-tuf, go-tuf, RSTUF or sigstore's tooling can be read.
 */
public record PublicKey(String keyType, String scheme, String publicValue) {

  /** The scheme and key type Vigil signs with. */
  public static final String ED25519 = "ed25519";

  public PublicKey {
    if (keyType.isEmpty() || scheme.isEmpty() || publicValue.isEmpty()) {
      throw new IllegalArgumentException("a key needs a keytype, a scheme and a public value");
    }
  }

  /** Reads a key object; throws {@link IllegalArgumentException} naming the field at fault. */
  public static PublicKey fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a key must be a JSON object");
    }
    JsonNode keyval = node.get("keyval");
    if (keyval == null || !keyval.isObject()) {
      throw new IllegalArgumentException("a key's keyval must be an object");
    }
    return new PublicKey(text(node, "keytype"), text(node, "scheme"), text(keyval, "public"));
  }

  /** The key object: {@code {"keytype", "scheme", "keyval": {"public"}}}. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("keytype", keyType);
    node.put("scheme", scheme);
    node.putObject("keyval").put("public", publicValue);
    return node;
  }

  /** The key id as TUF computes it: the SHA-256 of the key object's canonical JSON, in hex. */
  public String keyId() {
    return Sha256.hex(CanonicalJson.bytes(toJson()));
  }

  /**
   * Whether {@code signature} is a valid signature of {@code message} under this key and scheme; an
   * unsupported scheme or a malformed key verifies nothing.
   */
  public boolean verify(byte[] message, byte[] signature) {
    return Verifiers.verify(this, message, signature);
  }

  /**
   * The key itself, in hex of the DER SubjectPublicKeyInfo, the same however the key object writes
   * it (hex case, PEM layout, either ECDSA key type, another scheme): two key objects with one
   * material are one key, which a threshold counts once. Empty for a key Vigil cannot read.
   */
  public Optional<String> material() {
    return Verifiers.material(this).map(HexFormat.of()::formatHex);
  }

  /** Whether Vigil can verify signatures of this key type and scheme. */
  public boolean isSupported() {
    return Verifiers.supports(this);
  }

  @Override
  public String toString() {
    return keyType + "/" + scheme + " " + keyId().substring(0, 16).toLowerCase(Locale.ROOT);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("a key's " + field + " must be a string");
    }
    return v.textValue();
  }
}
