package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.key.PublicKey;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The root role: the keys and thresholds of the four top-level roles, and whether the repository
 * uses consistent snapshots. {@code demo} marks the root of Vigil's demonstration repository, whose
 * keys are public: a gateway installs only demonstration bundles under it. {@code commands}, when
 * present, names the keys (among {@code keys}) and threshold that sign the manufacturer's commands
 * to its gateways, so that the command key rotates with the root.
 */
public record Root(
    long version,
    Instant expires,
    boolean consistentSnapshot,
    Map<String, PublicKey> keys,
    Map<String, Role> roles,
    boolean demo,
    Optional<Role> commands)
    implements Signed {

  /** The top-level role names. */
  public static final Set<String> TOP_LEVEL = Set.of("root", "targets", "snapshot", "timestamp");

  /** The unrecognised field that marks a demonstration root (TUF clients ignore it). */
  public static final String DEMO_FIELD = "x-vigil-demo";

  /**
   * The unrecognised field that holds the command keys, {@code {"keyids": [...], "threshold": N}}:
   * not a fifth role, because TUF clients refuse a root whose roles are not exactly the top-level
   * four, and ignore a field they do not know.
   */
  public static final String COMMANDS_FIELD = "x-vigil-commands";

  public Root {
    keys = Map.copyOf(keys);
    roles = Map.copyOf(roles);
    if (!roles.keySet().equals(TOP_LEVEL)) {
      throw new IllegalArgumentException(
          "root must define exactly " + TOP_LEVEL + ", not " + roles.keySet());
    }
    if (commands.isPresent()) {
      checkCommands(commands.get(), keys);
    }
  }

  /** A root without command keys. */
  public Root(
      long version,
      Instant expires,
      boolean consistentSnapshot,
      Map<String, PublicKey> keys,
      Map<String, Role> roles,
      boolean demo) {
    this(version, expires, consistentSnapshot, keys, roles, demo, Optional.empty());
  }

  private static void checkCommands(Role commands, Map<String, PublicKey> keys) {
    if (commands.keyIds().isEmpty()) {
      throw new IllegalArgumentException(COMMANDS_FIELD + ".keyids must not be empty");
    }
    for (String id : commands.keyIds()) {
      if (!keys.containsKey(id)) {
        throw new IllegalArgumentException(
            COMMANDS_FIELD + " names key " + id + ", which root.keys does not hold");
      }
    }
    if (commands.threshold() > commands.keyIds().size()) {
      throw new IllegalArgumentException(
          COMMANDS_FIELD
              + ".threshold is "
              + commands.threshold()
              + " but only "
              + commands.keyIds().size()
              + " key(s) are named: no command could ever be accepted");
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
    Optional<Role> commands =
        Fields.optionalObject(signed, COMMANDS_FIELD, "root").map(Root::commandsFromJson);
    return new Root(common.version(), common.expires(), consistent, keys, roles, demo, commands);
  }

  private static Role commandsFromJson(JsonNode node) {
    String path = "root." + COMMANDS_FIELD;
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("keyids") && !name.equals("threshold")) {
        throw Fields.malformed(path + " holds only keyids and threshold, not '" + name + "'");
      }
    }
    return Role.fromJson(node, path);
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
    commands.ifPresent(c -> node.set(COMMANDS_FIELD, c.toJson()));
    return node;
  }

  /** The command keys by key id, each looked up in {@link #keys()}; empty without command keys. */
  public Map<String, PublicKey> commandKeys() {
    Map<String, PublicKey> out = new TreeMap<>();
    commands.ifPresent(c -> c.keyIds().forEach(id -> out.put(id, keys.get(id))));
    return Map.copyOf(out);
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
