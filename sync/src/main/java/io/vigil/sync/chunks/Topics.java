package io.vigil.sync.chunks;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * The topics of one fleet's TUF repository: {@code vigil/v1/{fleet}/repo/metadata/{name}} and
 * {@code vigil/v1/{fleet}/repo/targets/{path}/chunks/{index}}.
 */
public final class Topics {

  /** MQTT's limit on a topic name, in UTF-8 bytes. */
  static final int MAX_TOPIC_BYTES = 65_535;

  private final String repo;

  private Topics(String repo) {
    this.repo = repo;
  }

  /** The topics of {@code fleet}, which must be one topic level without wildcards. */
  public static Topics of(String fleet) {
    if (fleet.isEmpty() || fleet.contains("/") || hasWildcard(fleet)) {
      throw new IllegalArgumentException(
          "a fleet is one MQTT topic level without '/', '+', '#' or NUL: '" + fleet + "'");
    }
    return new Topics("vigil/v1/" + fleet + "/repo/");
  }

  /** The retained topic of the metadata file {@code name}, e.g. {@code 2.root.json}. */
  public String metadata(String name) {
    if (name.isEmpty() || name.contains("/") || hasWildcard(name)) {
      throw new IllegalArgumentException(
          "a metadata file name is one topic level without '/', '+', '#' or NUL: '" + name + "'");
    }
    return checked(repo + "metadata/" + name);
  }

  /** The filter that matches every metadata topic: {@code .../repo/metadata/+}. */
  public String metadataFilter() {
    return repo + "metadata/+";
  }

  /** The topic of chunk {@code index} of the target file at {@code path} (hash-prefixed). */
  public String chunk(String path, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
    return checked(chunksOf(path) + index);
  }

  /** The filter that matches every chunk of the target file at {@code path}. */
  public String chunks(String path) {
    return checked(chunksOf(path) + "+");
  }

  /** The chunk index that {@code topic} names for {@code path}, or empty when it names none. */
  public OptionalInt chunkIndex(String path, String topic) {
    String prefix = chunksOf(path);
    if (!topic.startsWith(prefix)) {
      return OptionalInt.empty();
    }
    String rest = topic.substring(prefix.length());
    if (rest.isEmpty() || rest.length() > 10 || !rest.chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    long index = Long.parseLong(rest);
    return index > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) index);
  }

  /** The topics' common prefix, {@code vigil/v1/{fleet}/repo/}. */
  @Override
  public String toString() {
    return repo;
  }

  private String chunksOf(String path) {
    checkTargetPath(path);
    return repo + "targets/" + path + "/chunks/";
  }

  /**
   * Refuses a target path that cannot be a run of topic levels: empty, absolute, or with a
   * wildcard, which a broker would read as a filter.
   */
  static void checkTargetPath(String path) {
    if (path.isEmpty() || path.startsWith("/") || hasWildcard(path)) {
      throw new IllegalArgumentException(
          "a target path sent over MQTT is relative, without '+', '#' or NUL: '" + path + "'");
    }
  }

  private static boolean hasWildcard(String s) {
    return s.indexOf('+') >= 0 || s.indexOf('#') >= 0 || s.indexOf('\0') >= 0;
  }

  private static String checked(String topic) {
    if (topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
      throw new IllegalArgumentException(
          "topic over MQTT's " + MAX_TOPIC_BYTES + " bytes: " + topic.substring(0, 80) + "...");
    }
    return topic;
  }
}
