package io.vigil.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.canonical.Decimals;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, strings
 * escaped as RFC 8785 escapes them, integers as integers and other numbers as {@link Decimals}
 * writes them; encoded as UTF-8 by the caller.
 */
final class CanonicalJson {

  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** Parses JSON text strictly: no duplicate keys, nothing after the value. */
  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses UTF-8 JSON bytes strictly. */
  static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The canonical form of a JSON object given as text. */
  static String canonicalObject(String json) {
    JsonNode node = parse(json);
    if (!node.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + json);
    }
    return write(node);
  }

  /** The canonical form of a map of JSON values (strings, numbers, booleans, lists, maps). */
  static String canonicalObject(Map<String, ?> map) {
    return write(MAPPER.valueToTree(map));
  }

  static String write(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb);
    return sb.toString();
  }

  static void write(JsonNode node, StringBuilder sb) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          keys.add(it.next());
        }
        keys.sort(null);
        sb.append('{');
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          appendString(sb, keys.get(i));
          sb.append(':');
          write(node.get(keys.get(i)), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(node.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> appendString(sb, node.textValue());
      case NUMBER -> sb.append(number(node));
      case BOOLEAN -> sb.append(node.booleanValue());
      case NULL -> sb.append("null");
      default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  private static String number(JsonNode node) {
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    double d =
        node.isBigDecimal()
            ? Double.parseDouble(node.decimalValue().toString())
            : node.doubleValue();
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("number out of range: " + node);
    }
    return Decimals.json(d);
  }

  /** Appends a JSON string; a lone surrogate is refused, as it has no UTF-8 form. */
  static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              throw new IllegalArgumentException("string has a lone surrogate at index " + i);
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
