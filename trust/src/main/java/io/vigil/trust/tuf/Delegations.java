package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The roles a targets role delegates to, in order, with their keys (TUF 1.0, section 4.5). */
public record Delegations(
    Map<String, PublicKey> keys, List<DelegatedRole> roles, Optional<SuccinctRoles> succinct) {

  public Delegations {
    keys = Map.copyOf(keys);
    roles = List.copyOf(roles);
  }

  static Delegations fromJson(JsonNode node, String path) {
    Map<String, PublicKey> keys = Root.keys(node, path);
    boolean hasRoles = node.has("roles");
    boolean hasSuccinct = node.has("succinct_roles");
    if (hasRoles == hasSuccinct) {
      throw Fields.malformed(path + " must have exactly one of roles and succinct_roles");
    }
    List<DelegatedRole> roles = new ArrayList<>();
    Optional<SuccinctRoles> succinct = Optional.empty();
    if (hasRoles) {
      JsonNode list = node.get("roles");
      if (!list.isArray()) {
        throw Fields.malformed(path + ".roles must be a list");
      }
      Set<String> names = new HashSet<>();
      for (JsonNode r : list) {
        DelegatedRole role = DelegatedRole.fromJson(r, path + ".roles[]");
        if (Root.TOP_LEVEL.contains(role.name())) {
          throw Fields.malformed(path + ".roles: a delegated role cannot be named " + role.name());
        }
        if (!names.add(role.name())) {
          throw Fields.malformed(path + ".roles names '" + role.name() + "' twice");
        }
        roles.add(role);
      }
    } else {
      succinct =
          Optional.of(SuccinctRoles.fromJson(node.get("succinct_roles"), path + ".succinct_roles"));
    }
    return new Delegations(keys, roles, succinct);
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    ObjectNode k = node.putObject("keys");
    new TreeMap<>(keys).forEach((id, key) -> k.set(id, key.toJson()));
    if (succinct.isPresent()) {
      node.set("succinct_roles", succinct.get().toJson());
    } else {
      ArrayNode list = node.putArray("roles");
      roles.forEach(r -> list.add(r.toJson()));
    }
    return node;
  }

  /** The keys and threshold of a delegated role, if this delegates to it. */
  Optional<Role> role(String name) {
    if (succinct.isPresent()) {
      return succinct.get().isRole(name) ? Optional.of(succinct.get().role()) : Optional.empty();
    }
    return roles.stream().filter(r -> r.name().equals(name)).map(DelegatedRole::role).findFirst();
  }

  /** The names of the roles delegated to, in order; of hash bins, the first {@code max}. */
  List<String> roleNames(int max) {
    return succinct.isPresent()
        ? succinct.get().roleNames(max)
        : roles.stream().map(DelegatedRole::name).toList();
  }

  /** The roles trusted for {@code targetPath}, in order, and whether each one terminates. */
  List<Map.Entry<String, Boolean>> rolesFor(String targetPath) {
    if (succinct.isPresent()) {
      return List.of(Map.entry(succinct.get().roleFor(targetPath), true));
    }
    return roles.stream()
        .filter(r -> r.isTrustedFor(targetPath))
        .map(r -> Map.entry(r.name(), r.terminating()))
        .toList();
  }
}
