package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A role that a targets role trusts for some paths: by path patterns (shell-style, {@code *} never
 * crossing a {@code /}) or by prefixes of the SHA-256 of the path (TUF 1.0, section 4.5).
 */
public record DelegatedRole(
    String name,
    Role role,
    boolean terminating,
    Optional<List<String>> paths,
    Optional<List<String>> pathHashPrefixes) {

  public DelegatedRole {
    paths = paths.map(List::copyOf);
    pathHashPrefixes = pathHashPrefixes.map(List::copyOf);
    if (paths.isPresent() && pathHashPrefixes.isPresent()) {
      throw new IllegalArgumentException(
          "delegated role '" + name + "' has both paths and path_hash_prefixes");
    }
  }

  static DelegatedRole fromJson(JsonNode node, String path) {
    if (!node.isObject()) {
      throw Fields.malformed(path + " must be an object");
    }
    String name = Fields.string(node, "name", path);
    String where = path + "(" + name + ")";
    Role role = Role.fromJson(node, where);
    boolean terminating = Fields.bool(node, "terminating", where);
    Optional<List<String>> paths =
        node.has("paths") ? Optional.of(strings(node, "paths", where)) : Optional.empty();
    Optional<List<String>> prefixes =
        node.has("path_hash_prefixes")
            ? Optional.of(strings(node, "path_hash_prefixes", where))
            : Optional.empty();
    if (paths.isPresent() && prefixes.isPresent()) {
      throw Fields.malformed(where + " has both paths and path_hash_prefixes; one is allowed");
    }
    return new DelegatedRole(name, role, terminating, paths, prefixes);
  }

  private static List<String> strings(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (!v.isArray()) {
      throw Fields.malformed(path + "." + field + " must be a list of strings");
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw Fields.malformed(path + "." + field + " must be a list of strings");
      }
      out.add(e.textValue());
    }
    return out;
  }

  ObjectNode toJson() {
    ObjectNode node = role.toJson();
    node.put("name", name);
    node.put("terminating", terminating);
    paths.ifPresent(p -> p.forEach(node.putArray("paths")::add));
    pathHashPrefixes.ifPresent(p -> p.forEach(node.putArray("path_hash_prefixes")::add));
    return node;
  }

  /** Whether this role is trusted for {@code targetPath}. */
  public boolean isTrustedFor(String targetPath) {
    if (pathHashPrefixes.isPresent()) {
      String hash = Sha256.hex(targetPath.getBytes(StandardCharsets.UTF_8));
      return pathHashPrefixes.get().stream().anyMatch(hash::startsWith);
    }
    return paths
        .map(p -> p.stream().anyMatch(pattern -> matches(pattern, targetPath)))
        .orElse(false);
  }

  /**
   * python-tuf's rule: the pattern and the path have as many {@code /}-separated parts, and each
   * part matches as {@code fnmatch} matches ({@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}).
   */
  static boolean matches(String pattern, String targetPath) {
    String[] patternParts = pattern.split("/", -1);
    String[] pathParts = targetPath.split("/", -1);
    if (patternParts.length != pathParts.length) {
      return false;
    }
    for (int i = 0; i < pathParts.length; i++) {
      if (!fnmatch(patternParts[i]).matcher(pathParts[i]).matches()) {
        return false;
      }
    }
    return true;
  }

  // Python's fnmatch.translate, for one path part.
  private static Pattern fnmatch(String pattern) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    int n = pattern.length();
    while (i < n) {
      char c = pattern.charAt(i++);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[') {
        int j = i;
        if (j < n && pattern.charAt(j) == '!') {
          j++;
        }
        if (j < n && pattern.charAt(j) == ']') {
          j++;
        }
        while (j < n && pattern.charAt(j) != ']') {
          j++;
        }
        if (j >= n) {
          re.append("\\[");
        } else {
          String set = pattern.substring(i, j).replace("\\", "\\\\");
          i = j + 1;
          if (set.startsWith("!")) {
            set = "^" + set.substring(1);
          } else if (set.startsWith("^")) {
            set = "\\" + set;
          }
          re.append('[').append(set.replace("[", "\\[").replace("&&", "\\&\\&")).append(']');
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
