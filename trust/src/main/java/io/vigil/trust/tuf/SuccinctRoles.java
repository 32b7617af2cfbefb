package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hash-bin delegation in few bytes (TAP 15): {@code 2^bitLength} roles named {@code PREFIX-HEX},
 * each trusted for the targets whose path hashes into its bin, all with one key set.
 */
public record SuccinctRoles(Role role, int bitLength, String namePrefix) {

  public SuccinctRoles {
    if (bitLength < 1 || bitLength > 32) {
      throw new IllegalArgumentException("bit_length must be 1 to 32, not " + bitLength);
    }
  }

  static SuccinctRoles fromJson(JsonNode node, String path) {
    if (!node.isObject()) {
      throw Fields.malformed(path + " must be an object");
    }
    long bits = Fields.integer(node, "bit_length", path, 1);
    if (bits > 32) {
      throw Fields.malformed(path + ".bit_length must be 1 to 32, not " + bits);
    }
    return new SuccinctRoles(
        Role.fromJson(node, path), (int) bits, Fields.string(node, "name_prefix", path));
  }

  ObjectNode toJson() {
    ObjectNode node = role.toJson();
    node.put("bit_length", bitLength);
    node.put("name_prefix", namePrefix);
    return node;
  }

  /** The one role trusted for {@code targetPath}. */
  public String roleFor(String targetPath) {
    byte[] hash = Sha256.of(targetPath.getBytes(StandardCharsets.UTF_8));
    long first =
        ((hash[0] & 0xffL) << 24)
            | ((hash[1] & 0xffL) << 16)
            | ((hash[2] & 0xffL) << 8)
            | (hash[3] & 0xffL);
    return name(first >>> (32 - bitLength));
  }

  /** The names of the first {@code max} bins, in order (all of them when there are fewer). */
  List<String> roleNames(int max) {
    long count = Math.min(1L << bitLength, Math.max(max, 0));
    List<String> names = new ArrayList<>();
    for (long bin = 0; bin < count; bin++) {
      names.add(name(bin));
    }
    return names;
  }

  private String name(long bin) {
    int width = (int) Math.ceil(bitLength / 4.0);
    return namePrefix + "-" + String.format("%0" + width + "x", bin);
  }

  /** Whether {@code roleName} is one of these roles. */
  public boolean isRole(String roleName) {
    String start = namePrefix + "-";
    if (!roleName.startsWith(start)) {
      return false;
    }
    String suffix = roleName.substring(start.length());
    int width = (int) Math.ceil(bitLength / 4.0);
    if (suffix.length() != width || !suffix.matches("[0-9a-f]+")) {
      return false;
    }
    return Long.parseLong(suffix, 16) < (1L << bitLength);
  }
}
