package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.Json;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A target as a targets role lists it: its path, length, hashes and the manufacturer's {@code
 * custom} object (for a bundle: model id, version, release, PCCP, rollout and sites).
 */
public final class TargetFile {

  private final String path;
  private final long length;
  private final Map<String, String> hashes;
  private final ObjectNode custom;

  /** A target; {@code custom} is copied. */
  public TargetFile(
      String path, long length, Map<String, String> hashes, Optional<ObjectNode> custom) {
    if (length < 0) {
      throw new IllegalArgumentException("length < 0");
    }
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException("a target needs at least one hash");
    }
    this.path = path;
    this.length = length;
    // Insertion order kept: a consistent-snapshot target's file name uses its first hash.
    this.hashes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hashes));
    this.custom = custom.map(ObjectNode::deepCopy).orElse(null);
  }

  static TargetFile fromJson(String path, JsonNode node, String where) {
    if (!node.isObject()) {
      throw Fields.malformed(where + " must be an object");
    }
    long length = Fields.integer(node, "length", where, 0);
    Map<String, String> hashes = Fields.hashes(node, where, true);
    Optional<ObjectNode> custom =
        Fields.optionalObject(node, "custom", where).map(n -> (ObjectNode) n);
    return new TargetFile(path, length, hashes, custom);
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("length", length);
    ObjectNode h = node.putObject("hashes");
    new TreeMap<>(hashes).forEach(h::put);
    if (custom != null) {
      node.set("custom", custom.deepCopy());
    }
    return node;
  }

  /**
   * The target's path in the repository, e.g. {@code
   * wdbc-malignancy/wdbc-malignancy-1.0.0.vbundle}.
   */
  public String path() {
    return path;
  }

  /** The exact length in bytes. */
  public long length() {
    return length;
  }

  /** Hex digests by algorithm name ({@code sha256}, {@code sha512}). */
  public Map<String, String> hashes() {
    return hashes;
  }

  /** A copy of the {@code custom} object, if the target has one. */
  public Optional<ObjectNode> custom() {
    return Optional.ofNullable(custom).map(ObjectNode::deepCopy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetFile t
        && t.path.equals(path)
        && t.length == length
        && t.hashes.equals(hashes)
        && java.util.Objects.equals(t.custom, custom);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(path, length, hashes);
  }

  @Override
  public String toString() {
    return path + " (" + length + " bytes, sha256 " + hashes.getOrDefault("sha256", "?") + ")";
  }
}
