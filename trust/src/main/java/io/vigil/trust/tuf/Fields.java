package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** Typed reads of metadata fields; each failure names the field's path and what was expected. */
final class Fields {

  static final DateTimeFormatter EXPIRES =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
          .withResolverStyle(ResolverStyle.STRICT);

  private Fields() {}

  static TrustException malformed(String message) {
    return new TrustException(Code.MALFORMED, message);
  }

  static JsonNode object(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isObject()) {
      throw malformed(path + "." + field + " must be an object");
    }
    return v;
  }

  static Optional<JsonNode> optionalObject(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw malformed(path + "." + field + " must be an object");
    }
    return Optional.of(v);
  }

  static String string(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isTextual()) {
      throw malformed(path + "." + field + " must be a string");
    }
    return v.textValue();
  }

  static boolean bool(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isBoolean()) {
      throw malformed(path + "." + field + " must be true or false");
    }
    return v.booleanValue();
  }

  static long integer(JsonNode parent, String field, String path, long min) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw malformed(path + "." + field + " must be an integer");
    }
    if (v.longValue() < min) {
      throw malformed(path + "." + field + " must be at least " + min + ", not " + v.longValue());
    }
    return v.longValue();
  }

  static Instant expires(JsonNode parent, String path) {
    String text = string(parent, "expires", path);
    try {
      return LocalDateTime.parse(text, EXPIRES).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw malformed(path + ".expires must read YYYY-MM-DDTHH:MM:SSZ, not '" + text + "'");
    }
  }

  static List<String> uniqueStrings(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isArray()) {
      throw malformed(path + "." + field + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw malformed(path + "." + field + " must be a list of strings");
      }
      out.add(e.textValue());
    }
    if (new HashSet<>(out).size() != out.size()) {
      throw malformed(path + "." + field + " lists the same value twice: " + out);
    }
    return List.copyOf(out);
  }

  static <T> Map<String, T> map(
      JsonNode parent, String field, String path, BiFunction<String, JsonNode, T> reader) {
    JsonNode obj = object(parent, field, path);
    Map<String, T> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), reader.apply(e.getKey(), e.getValue()));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  static Map<String, String> hashes(JsonNode parent, String path, boolean required) {
    JsonNode v = parent.get("hashes");
    if (v == null && !required) {
      return Map.of();
    }
    if (v == null || !v.isObject() || v.isEmpty()) {
      throw malformed(path + ".hashes must be a non-empty object of algorithm to hex digest");
    }
    return map(
        parent,
        "hashes",
        path,
        (algo, h) -> {
          if (!h.isTextual()) {
            throw malformed(path + ".hashes." + algo + " must be a string");
          }
          return h.textValue();
        });
  }
}
