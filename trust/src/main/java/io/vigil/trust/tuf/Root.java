package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.key.PublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The root role: the keys and thresholds of the four top-level roles, and whether the repository
 * uses consistent snapshots. {@code demo} marks the root of Vigil's demonstration repository, whose
 * keys are public: a gateway installs only demonstration bundles under it.
 */
public record Root(
    long version,
    Instant expires,
    boolean consistentSnapshot,
    Map<String, PublicKey> keys,
    Map<String, Role> roles,
    boolean demo)
    implements Signed {

  /** The top-level role names. */
  public static final Set<String> TOP_LEVEL = Set.of("root", "targets", "snapshot", "timestamp");

  /** The unrecognised field that marks a demonstration root (TUF clients ignore it). */
  public static final String DEMO_FIELD = "x-vigil-demo";

  public Root {
    keys = Map.copyOf(keys);
    roles = Map.copyOf(roles);
    if (!roles.keySet().equals(TOP_LEVEL)) {
      throw new IllegalArgumentException(
          "root must define exactly " + TOP_LEVEL + ", not " + roles.keySet());
    }
  }

  static Root fromJson(JsonNode signed) {
    Common common = Common.fromJson(signed, "root");
    boolean consistent =
        signed.has("consistent_snapshot") && Fields.bool(signed, "consistent_snapshot", "root");
    Map<String, PublicKey> keys = keys(signed, "root");
    Map<String, Role> roles =
        Fields.map(signed, "roles", "root", (name, r) -> Role.fromJson(r, "root.roles." + name));
    if (!roles.keySet().equals(TOP_LEVEL)) {
      throw Fields.malformed(
          "root.roles must define exactly " + TOP_LEVEL + ", not " + roles.keySet());
    }
    boolean demo = signed.has(DEMO_FIELD) && Fields.bool(signed, DEMO_FIELD, "root");
    return new Root(common.version(), common.expires(), consistent, keys, roles, demo);
  }

  static Map<String, PublicKey> keys(JsonNode signed, String path) {
    return Fields.map(
        signed,
        "keys",
        path,
        (id, k) -> {
          try {
            return PublicKey.fromJson(k);
          } catch (IllegalArgumentException e) {
            throw Fields.malformed(path + ".keys." + id + ": " + e.getMessage());
          }
        });
  }

  @Override
  public String type() {
    return "root";
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = new Common(type(), version, expires).toJson();
    node.put("consistent_snapshot", consistentSnapshot);
    ObjectNode k = node.putObject("keys");
    new TreeMap<>(keys).forEach((id, key) -> k.set(id, key.toJson()));
    ObjectNode r = node.putObject("roles");
    new TreeMap<>(roles).forEach((name, role) -> r.set(name, role.toJson()));
    if (demo) {
      node.put(DEMO_FIELD, true);
    }
    return node;
  }

  /** The role {@code name}: one of {@link #TOP_LEVEL}. */
  public Role role(String name) {
    Role role = roles.get(name);
    if (role == null) {
      throw new IllegalArgumentException("no top-level role " + name);
    }
    return role;
  }
}
