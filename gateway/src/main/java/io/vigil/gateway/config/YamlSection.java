package io.vigil.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the YAML document, read setting by setting so that whatever nobody read can be
 * reported as an unknown key together with the keys that are known.
 */
final class YamlSection {

  private final String path;
  private final Map<?, ?> values;
  private final Set<String> known = new LinkedHashSet<>();

  private YamlSection(String path, Map<?, ?> values) {
    this.path = path;
    this.values = values;
  }

  /** The top-level mapping; an empty document stands for a mapping without keys. */
  static YamlSection root(Object document) {
    if (document == null) {
      return new YamlSection("", Map.of());
    }
    if (document instanceof Map<?, ?> map) {
      return new YamlSection("", map);
    }
    throw ConfigErrors.invalid(
        "expected a mapping of keys at the top level, got " + ConfigErrors.describe(document));
  }

  /** A nested mapping; one that is absent or left empty stands for a mapping without keys. */
  YamlSection section(String key) {
    String name = localName(key);
    known.add(name);
    Object raw = values.get(name);
    if (raw == null) {
      return new YamlSection(key, Map.of());
    }
    if (raw instanceof Map<?, ?> map) {
      return new YamlSection(key, map);
    }
    throw ConfigErrors.invalid(key, "a mapping of keys", raw);
  }

  <T> T read(Setting<T> setting, T defaultValue) {
    String name = localName(setting.key());
    known.add(name);
    return values.containsKey(name) ? setting.read(values.get(name)) : defaultValue;
  }

  /**
   * A sequence of values, each read with {@code element}; absent is {@code defaultValue}, and a
   * single value stands for a sequence of one.
   */
  List<String> readList(Setting<String> element, List<String> defaultValue) {
    String name = localName(element.key());
    known.add(name);
    if (!values.containsKey(name)) {
      return defaultValue;
    }
    Object raw = values.get(name);
    if (raw == null) {
      return List.of();
    }
    if (raw instanceof List<?> list) {
      List<String> read = new ArrayList<>();
      for (Object one : list) {
        read.add(element.read(one));
      }
      return List.copyOf(read);
    }
    return List.of(element.read(raw));
  }

  /**
   * Every key of this mapping with its value as written, for a section whose keys are names chosen
   * by the person who writes the file (such as model ids); all of them count as read.
   */
  Map<String, Object> entries() {
    Map<String, Object> entries = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : values.entrySet()) {
      String name = String.valueOf(e.getKey());
      known.add(name);
      entries.put(name, e.getValue());
    }
    return entries;
  }

  /** Fails on the first key that no read asked for, so a misspelt key is never silently ignored. */
  void rejectUnknownKeys() {
    for (Object key : values.keySet()) {
      String name = String.valueOf(key);
      if (!known.contains(name)) {
        throw ConfigErrors.invalid(
            "unknown key '"
                + (path.isEmpty() ? name : path + "." + name)
                + "'; expected one of: "
                + String.join(", ", known));
      }
    }
  }

  private String localName(String key) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (!key.startsWith(prefix) || key.indexOf('.', prefix.length()) >= 0) {
      throw new IllegalArgumentException(key + " is not a key of section '" + path + "'");
    }
    return key.substring(prefix.length());
  }
}
